"""/api/: v1 endpoints, the OpenAPI schema, the interactive documentation and the token page."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from conferences import api as conferences_api
from khuyencong import api, api_docs, api_views
from periods import api as periods_api
from products import api as products_api
from projects import api as projects_api
from provinces import api as provinces_api
from reports import api as reports_api

router = SimpleRouter()
router.register("provinces", provinces_api.ProvinceViewSet, basename="province")
router.register("communes", provinces_api.CommuneViewSet, basename="commune")
router.register("units", provinces_api.UnitViewSet, basename="unit")
router.register("activity-contents", provinces_api.ActivityContentViewSet, basename="activity-content")
router.register("reporting-periods", periods_api.ReportingPeriodViewSet, basename="reporting-period")
router.register("plans", projects_api.PlanViewSet, basename="plan")
router.register("national-plan-registrations", projects_api.RegistrationViewSet, basename="national-plan-registration")
router.register("projects", projects_api.ProjectViewSet, basename="project")
router.register("establishments", projects_api.EstablishmentViewSet, basename="establishment")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register("conferences", conferences_api.ConferenceViewSet, basename="conference")
router.register("product-rounds", products_api.RoundViewSet, basename="product-round")
router.register("product-entries", products_api.EntryViewSet, basename="product-entry")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", api_docs.SchemaView.as_view(), name="schema"),
    path("docs/", api_docs.SwaggerDocsView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", api_docs.RedocDocsView.as_view(url_name="api:schema"), name="redoc"),
    path("tokens/", api_views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", api_views.token_revoke, name="token_revoke"),
    re_path(r"^", api.not_found),
]
