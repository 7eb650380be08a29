"""The page where a signed-in user issues and revokes their own API tokens (/api/tokens/)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from provinces import api_tokens
from provinces.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("e.g. the system using it")
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=api_tokens.MAX_DAYS, initial=90
    )
    can_write = forms.BooleanField(
        label=gettext_lazy("Allow writes (create and change projects in your provinces)"), required=False
    )


@login_required
def token_list(request):
    """Lists the user's tokens; POST issues one and shows its secret once."""
    secret = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_tokens.api_token_issue(user=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    context = {"tokens": api_tokens.tokens_of(user=request.user), "form": form, "secret": secret, "now": timezone.now()}
    return render(request, "khuyencong/apitoken_list.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_tokens.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")
