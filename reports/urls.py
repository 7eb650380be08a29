from django.urls import path

from reports import report_views, views

app_name = "reports"
urlpatterns = [
    path("dashboards/region/", views.regional_dashboard, name="regional_dashboard"),
    path("dashboards/province/<int:pk>/", views.province_dashboard, name="province_dashboard"),
    path("reports/", report_views.report_list, name="list"),
    path("reports/exceptions/", report_views.exception_list, name="exceptions"),
    path("reports/exceptions/<int:pk>/decide/", report_views.exception_decide, name="exception_decide"),
    path("reports/<int:pk>/", report_views.report_detail, name="detail"),
    path("reports/<int:pk>/status/", report_views.report_status, name="status"),
    path("reports/<int:pk>/narrative/", report_views.report_narrative, name="narrative"),
    path("reports/<int:pk>/submit/", report_views.report_submit, name="submit"),
    path("reports/<int:pk>/review/", report_views.report_review, name="review"),
    path("reports/<int:pk>/new-version/", report_views.report_new_version, name="new_version"),
    path("reports/<int:pk>/regenerate/", report_views.report_regenerate, name="regenerate"),
    path("reports/<int:pk>/download/<str:fmt>/", report_views.report_download, name="download"),
]
