"""/account/: profile, password change and the second-factor pages."""

from django.urls import path

from khuyencong import account_views

app_name = "account"
urlpatterns = [
    path("", account_views.profile, name="profile"),
    path("password/", account_views.PasswordChange.as_view(), name="password_change"),
    path("otp/setup/", account_views.otp_setup, name="otp_setup"),
    path("otp/verify/", account_views.otp_verify, name="otp_verify"),
]
