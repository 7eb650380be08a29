from django.urls import path

from products import views

app_name = "products"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="round_create"),
    path("figures/", views.figures, name="figures"),
    path("history/<int:province_pk>/", views.history, name="history"),
    path("certified/", views.certified, name="certified"),
    path("establishments/<int:pk>/", views.establishment, name="establishment"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/setup/", views.round_setup, name="setup"),
    path("<int:pk>/entries/new/", views.entry_create, name="entry_create"),
    path("<int:pk>/judging/", views.judging, name="judging"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/select/", views.council_select, name="select"),
    path("<int:pk>/recognise/", views.recognise, name="recognise"),
    path("<int:pk>/recognised/", views.recognised, name="recognised"),
    path("<int:pk>/complaints/", views.complaints, name="complaints"),
    path("<int:pk>/promote/", views.promote, name="promote"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/score/", views.score, name="score"),
    path("files/<int:pk>/", views.dossier_file, name="dossier_file"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("certificates/<int:pk>/report/", views.annual_report, name="annual_report"),
    path("complaints/<int:pk>/resolve/", views.complaint_resolve, name="complaint_resolve"),
]
