from django.urls import path

from network import views

app_name = "network"
urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("export.xlsx", views.export, name="export"),
    path("provinces/<int:province_pk>/", views.province, name="province"),
    path("provinces/<int:province_pk>/collaborators/new/", views.collaborator_new, name="collaborator_new"),
    path("collaborators/<int:pk>/", views.collaborator, name="collaborator"),
    path("collaborators/<int:pk>/edit/", views.collaborator_edit, name="collaborator_edit"),
    path("establishments/<int:pk>/", views.establishment, name="establishment"),
    path("needs/<int:pk>/propose/", views.need_propose, name="need_propose"),
]
