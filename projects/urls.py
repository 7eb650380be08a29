from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("import/", views.project_import, name="import"),
    path("imports/<int:pk>/", views.project_import_job, name="import_job"),
    path("import-template.xlsx", views.import_template, name="import_template"),
    path("new/", views.project_create, name="create"),
    path("national-plan/", views.registrations, name="registrations"),
    path("this-period/", views.this_period, name="this_period"),
    path("this-period/<str:period_key>/rows/<int:pk>/", views.grid_row_save, name="grid_row_save"),
    path("this-period/<str:period_key>/export.xlsx", views.grid_export, name="grid_export"),
    path("this-period/<str:period_key>/import/", views.grid_import, name="grid_import"),
    path("this-period/imports/<int:pk>/", views.grid_import_job, name="grid_import_job"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("establishments/search/", views.establishment_search, name="establishment_search"),
    path("communes/", views.commune_options, name="communes"),
    path("ceilings/", views.ceiling_list, name="ceilings"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/history/", views.project_history, name="history"),
    path("<int:pk>/money/", views.money_entry_add, name="money_add"),
    path("<int:pk>/money/<int:entry_pk>/correct/", views.money_entry_correct, name="money_correct"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/actions/<slug:action>/", views.project_transition, name="transition"),
    path("<int:pk>/adjustments/<int:adjustment_pk>/", views.adjustment_decide, name="adjustment_decide"),
]
