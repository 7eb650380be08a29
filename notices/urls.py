from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("count/", views.notice_count, name="count"),
    path("<int:pk>/open/", views.notice_open, name="open"),
    path("read-all/", views.notices_read_all, name="read_all"),
    path("preference/", views.preference_save, name="preference"),
]
