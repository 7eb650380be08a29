from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("region/", views.regional_dashboard, name="regional_dashboard"),
    path("province/<int:pk>/", views.province_dashboard, name="province_dashboard"),
]
