"""Property-based fuzz of the API from its own OpenAPI schema (schemathesis) against a live server with seeded
data and an officer's read-write token: no 5xx, and every answer matches the schema (status, type, body).

Bounded for CI: KC_FUZZ_EXAMPLES examples per operation and pass (default 10), about a minute and a half on 2 cores.
"""

import datetime
import os

import pytest
import requests
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from conferences import services as conference_services
from periods.models import ReportingPeriod
from projects.models import Fund
from projects.tests import factories
from provinces import api_tokens
from reports import services as report_services
from reports import tasks as report_tasks
from reports.models import Report

EXAMPLES = int(os.environ.get("KC_FUZZ_EXAMPLES", "10"))


@schemathesis.check
def positive_data_accepted(ctx, response, case):
    """positive_data_acceptance, except for the refusals no schema can foresee: a rule of the service (a 400 whose
    code is not `invalid`: `refused`, `not_regenerated`…), an id in the body naming no row, a stale If-Match (412).
    A schema-valid request refused as malformed (`invalid`: a type, a bound, an unknown field) still fails."""
    if response.status_code == 412:
        return None
    if response.status_code == 400:
        error = response.json().get("error", {})
        codes = {message["code"] for messages in error.get("fields", {}).values() for message in messages}
        if error.get("code") != "invalid" or (codes and codes <= {"does_not_exist"}):
            return None
    return positive_data_acceptance(ctx, response, case)


# Every built-in check schemathesis enables by default (no 5xx, status, content type, body and headers match the
# schema, auth not ignored, required headers), plus input acceptance named explicitly: schema-valid requests are
# accepted and schema-invalid ones are refused.
ACCEPTANCE = [positive_data_accepted, negative_data_rejection]


def _seed(tayninh_officer, tayninh_approver, cantho_officer, ministry_staff):
    today = timezone.localdate()
    ReportingPeriod.objects.create(
        kind="year",
        year=today.year,
        number=1,
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today + datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=35),
        entry_closes_on=today + datetime.timedelta(days=45),
    )
    year = min(max(today.year, 2021), 2030)
    window = {"year": year, "start": datetime.date(year, 1, 2), "end": datetime.date(year, 12, 20)}
    factories.make_project(by=tayninh_officer, **window)
    running = factories.make_project(by=tayninh_officer, title="Máy sấy", **window)
    factories.approve(running, officer=tayninh_officer, approver=tayninh_approver)
    national = factories.make_project(by=tayninh_officer, fund=Fund.NATIONAL, **window)
    factories.approve(national, officer=tayninh_officer, approver=ministry_staff, start=False)
    factories.make_project(by=cantho_officer, activity="KC01", **window)
    factories.make_plan(factories.province(80), year, Fund.LOCAL, 5_000_000_000)
    return running


def _seed_reports_and_conferences(settings, monkeypatch, tayninh_approver) -> dict[str, int]:
    """The last quarter's reports as drafts (not rendered: one render is enough), Tây Ninh's submitted with its
    files; the known conference history."""
    settings.REPORTS_PERIOD_KINDS = ["quarter"]
    settings.REPORTS_LOOKBACK_DAYS = 100
    with monkeypatch.context() as patched:
        patched.setattr(report_tasks.report_generate, "delay", lambda *args, **kwargs: None)
        report_services.reports_sweep()
    report = Report.objects.filter(province=tayninh_approver.unit.province).order_by("-period__ends_on").first()
    report_services.report_submit(report=report, by=tayninh_approver)  # rendered on commit (eager Celery)
    conference_services.conferences_load()
    conference = conference_services.Conference.objects.order_by("year").first()
    return {"reports": report.pk, "conferences": conference.pk}


def _known_ids(running) -> dict[str, int]:
    """An existing, in-scope row per resource, so generated requests also reach real objects, not only 404s."""
    from provinces.models import ActivityContent, Commune

    return {
        "projects": running.pk,
        "provinces": running.province_id,
        "units": running.implementing_unit_id,
        "activity-contents": ActivityContent.objects.values_list("pk", flat=True).first(),
        "communes": Commune.objects.values_list("pk", flat=True).first(),
        "plans": running.province.plans.values_list("pk", flat=True).first(),
        "reporting-periods": ReportingPeriod.objects.values_list("pk", flat=True).first(),
    }


@pytest.mark.fuzz
@pytest.mark.django_db(transaction=True)
def test_api_fuzzed_from_its_schema(
    live_server, settings, monkeypatch, tayninh_officer, tayninh_approver, cantho_officer, ministry_staff
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_anon": "100000/minute", "api_user": "100000/minute"},
    }
    known = _known_ids(_seed(tayninh_officer, tayninh_approver, cantho_officer, ministry_staff))
    known |= _seed_reports_and_conferences(settings, monkeypatch, tayninh_approver)
    _token, raw = api_tokens.api_token_issue(
        user=tayninh_officer, by=tayninh_officer, name="fuzz", days=1, can_write=True
    )
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?lang=en")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {raw}"
    failures, calls = [], {"count": 0, "by_status": {}}

    for result in schema.get_all_operations():
        operation = result.ok()
        resource = operation.path.removeprefix("/api/v1/").split("/")[0]
        passes = [(schemathesis.GenerationMode.POSITIVE, None), (schemathesis.GenerationMode.NEGATIVE, None)]
        if "{id}" in operation.path and known.get(resource):
            passes.append((schemathesis.GenerationMode.POSITIVE, {"id": known[resource]}))
        for mode, path_parameters in passes:

            @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case):
                response = case.call(base_url=live_server.url, session=session, timeout=30)
                calls["count"] += 1
                calls["by_status"][response.status_code] = calls["by_status"].get(response.status_code, 0) + 1
                case.validate_response(
                    response, additional_checks=ACCEPTANCE, excluded_checks=[positive_data_acceptance]
                )

            try:
                fuzz()
            except (AssertionError, BaseExceptionGroup) as error:  # collect every operation's failures
                failures.append(f"{operation.label} [{mode.value}, {path_parameters}]: {str(error)[:1500]}")
    print(f"fuzz: {calls['count']} requests, statuses {sorted(calls['by_status'].items())}")
    assert not failures, "\n\n".join(failures)
