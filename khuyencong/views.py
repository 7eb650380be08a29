from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from khuyencong import health
from provinces import selectors as province_selectors


@require_GET
@never_cache
def healthz(request):
    """Public by design: load balancers call it. 503 when the database does not answer."""
    db_ok = health.database_ok()
    body = {
        "status": "ok" if db_ok else "error",
        "database": "ok" if db_ok else "down",
        "broker": health.broker_status(),
    }
    return JsonResponse(body, status=200 if db_ok else 503)


@login_required
def home(request):
    user = request.user
    context = {
        "province": province_selectors.user_province(user=user),
        "provinces_in_scope": province_selectors.provinces_in_scope_for(user=user),
    }
    return render(request, "home.html", context)
