from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<int:province_pk>/<slug:code>/", views.figure_rows, name="rows"),
]
