from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from notices import selectors, services
from notices.models import Preference


@login_required
def notice_list(request):
    page = Paginator(selectors.notices_for(user=request.user), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_notices": selectors.unread_count(user=request.user),
        "delivery": selectors.preference_for(user=request.user),
        "deliveries": Preference.Delivery.choices,
    }
    return render(request, "notices/notice_list.html", context)


@login_required
@never_cache
def notice_count(request):
    """The header's badge of unread notices, loaded by htmx after the page."""
    count = selectors.unread_count(user=request.user)
    return render(request, "notices/_count.html", {"count": count})


@login_required
def notice_open(request, pk):
    """Opening a notice marks it read and goes to where the work is done."""
    notice = selectors.notice_get_for(user=request.user, pk=pk)
    services.notice_mark_read(notice=notice)
    target = notice.target_url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "notices:list"  # targets are our own paths; anything else is not followed
    return redirect(target)


@login_required
@require_POST
def notices_read_all(request):
    services.notices_mark_all_read(user=request.user)
    return redirect("notices:list")


@login_required
@require_POST
def preference_save(request):
    try:
        services.preference_set(user=request.user, delivery=request.POST.get("delivery", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your choice is saved."))
    return redirect("notices:list")
