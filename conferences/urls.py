from django.urls import path

from conferences import views

app_name = "conferences"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("<int:pk>/", views.conference_detail, name="detail"),
    path("<int:pk>/dossier.pdf", views.conference_dossier, name="dossier"),
    path("<int:pk>/close/", views.conference_close, name="close"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/delegates/<int:province_pk>/", views.delegate_register, name="delegates"),
    path("delegates/<int:pk>/withdraw/", views.delegate_withdraw, name="delegate_withdraw"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("conclusions/<int:conclusion_pk>/provinces/<int:province_pk>/", views.followup_edit, name="followup"),
    path("follow-ups/<int:pk>/evidence/", views.followup_evidence, name="followup_evidence"),
]
