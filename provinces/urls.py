from django.urls import path

from provinces import views

app_name = "provinces"
urlpatterns = [
    path("", views.province_list, name="list"),
]
