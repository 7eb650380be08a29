import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
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


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every site whatever the page says: send them to the static file."""
    return redirect(static("favicon.ico"), permanent=True)


@login_required
def home(request):
    user = request.user
    context = {
        "province": province_selectors.user_province(user=user),
        "provinces_in_scope": province_selectors.provinces_in_scope_for(user=user),
    }
    return render(request, "home.html", context)


def server_error(request):
    """Django's 500 handler: a plain page that needs no database. When the database is what failed, it
    says so and answers 503 (Retry-After), so proxies and monitors see a temporary outage."""
    error = sys.exc_info()[1]
    database_down = isinstance(error, DatabaseError | InterfaceError) and not health.database_ok()
    template = "503.html" if database_down else "500.html"
    response = HttpResponse(loader.get_template(template).render({}), status=503 if database_down else 500)
    if database_down:
        response["Retry-After"] = "30"
    return response
