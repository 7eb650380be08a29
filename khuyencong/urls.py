from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from khuyencong import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/worker", views.healthz_worker, name="healthz_worker"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # "Quên mật khẩu": Django's own reset by e-mail (a signed, single-use link that expires after
    # PASSWORD_RESET_TIMEOUT), with our templates; the form never says whether an address is known.
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/", include("khuyencong.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("provinces/", include("provinces.urls")),
    path("", include("reports.urls")),
    path("projects/", include("projects.urls")),
    path("products/", include("products.urls")),
    path("conferences/", include("conferences.urls")),
    path("notices/", include("notices.urls")),
    path("api/", include("khuyencong.api_urls")),
    path("admin/", admin.site.urls),
]

handler500 = "khuyencong.views.server_error"
