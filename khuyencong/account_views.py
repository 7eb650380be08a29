"""/account/: the profile page (role, unit, second factor), password change, and the two TOTP pages the
OTP middleware sends people to (enrolment, and the code after the password)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from khuyencong import security
from provinces import selectors as province_selectors


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


@login_required
def profile(request):
    user = request.user
    context = {
        "province": province_selectors.user_province(user=user),
        "device": security.totp_device_for(user=user),
        "otp_mandatory": security.otp_mandatory(user),
        "verified": user.is_verified(),
    }
    return render(request, "account/profile.html", context)


@never_cache
@login_required
def otp_setup(request):
    """Enrol (or replace) the account's authenticator. An account that already has a device must give its
    current code first, so a stolen password alone cannot swap the device."""
    user = request.user
    if security.totp_device_for(user=user) and not user.is_verified():
        return auth_views.redirect_to_login(_next_url(request, "account:profile"), reverse("account:otp_verify"))
    device = security.totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if security.totp_enrolment_confirm(request=request, device=device, token=form.cleaned_data["code"]):
            messages.success(request, _("Your authenticator app is set up. You will be asked for a code at sign-in."))
            return redirect(_next_url(request, default="account:profile"))
        form.add_error("code", _("The code is not right. Check the time on your phone and try the newest code."))
    context = {
        "form": form,
        "secret": security.totp_secret_text(device),
        "otpauth_uri": device.config_url,
        "qr_svg": security.totp_qr_svg(device),
        "next": _next_url(request, default="account:profile"),
    }
    return render(request, "account/otp_setup.html", context)


@never_cache
@login_required
def otp_verify(request):
    """The second sign-in step: the current code from the account's authenticator app."""
    if security.totp_device_for(user=request.user) is None:
        return auth_views.redirect_to_login(_next_url(request), reverse("account:otp_setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if security.totp_verify(request=request, token=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error("code", _("The code is not right or has expired. Wait for a new code and try again."))
    return render(request, "account/otp_verify.html", {"form": form, "next": _next_url(request)})


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Django's password change (keeps this session signed in); the validators in settings apply."""

    template_name = "account/password_change.html"
    success_url = reverse_lazy("account:profile")
    success_message = _("Your password has been changed.")
