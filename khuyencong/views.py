import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from conferences import worklist as conference_worklist
from khuyencong import health
from notices import selectors as notice_selectors
from notices.worklist import Item
from periods import selectors as period_selectors
from projects import selectors as project_selectors
from projects import worklist as project_worklist
from provinces import selectors as province_selectors
from provinces.models import User
from reports import worklist as report_worklist


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
@never_cache
def healthz_worker(request):
    """Public like /healthz, for a monitor to alarm on: 503 when no worker has beaten recently."""
    body = health.worker_status()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def _work_for(user: User) -> dict:
    """The home page's work list: each app's sections for this role, composed here (the top of the stack)."""
    if user.is_provincial:
        period = period_selectors.current_quarter()
        sections = [report_worklist.returned_reports(user=user)]
        if user.role == User.Role.APPROVER:
            sections += [
                report_worklist.reports_to_submit(user=user),
                *project_worklist.awaiting_decision(user=user),
                project_worklist.registration_open(user=user),
            ]
        else:  # the approver made these decisions; the officers act on them
            sections += project_worklist.decided_for_province(user=user)
        sections.append(report_worklist.exceptions_decided(user=user))
        return {
            "period": period,
            "period_item": Item(title=period.label, url="", deadline=period.entry_closes_on),
            "missing_progress": project_selectors.this_period_missing_count(user=user, period=period),
            "sections": sections,
        }
    if user.role == User.Role.MINISTRY:
        return {
            "sections": [
                report_worklist.reports_to_review(user=user),
                report_worklist.exception_requests(user=user),
                *project_worklist.awaiting_decision(user=user),
                report_worklist.late_provinces(user=user),
                conference_worklist.followup_overdue(),
            ]
        }
    return {"system": health.worker_status(), "sections": [report_worklist.generation_trouble()]}


def favicon(request):
    """Browsers ask for /favicon.ico on every site whatever the page says: send them to the static file."""
    return redirect(static("favicon.ico"), permanent=True)


@login_required
def home(request):
    user = request.user
    context = {
        "province": province_selectors.user_province(user=user),
        "provinces_in_scope": province_selectors.provinces_in_scope_for(user=user),
        "unread": notice_selectors.unread_for(user=user, limit=5),
        **_work_for(user),
    }
    context["has_work"] = any(section.items for section in context["sections"])
    # Today's provinces and the former ones are counted apart: "29 provinces" would add up two maps.
    context["current_count"] = sum(1 for p in context["provinces_in_scope"] if p.valid_to is None)
    context["former_count"] = len(context["provinces_in_scope"]) - context["current_count"]
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
