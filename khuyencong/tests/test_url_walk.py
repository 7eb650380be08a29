"""Every URL pattern the portal has, walked: anonymous visitors get nothing but a way to sign in, and an officer
of another province gets none of Tây Ninh's working data. A new page that forgets the scoping rule, or forgets
login_required, fails here without anyone writing a test for it.

URL parameters are filled from real Tây Ninh objects (project, attachment, adjustment, delegate,
follow-up, report, entry exception, plan, API token), each carrying MARKER in its text or file, and every
body the other officer receives is searched for it.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conferences import services as conference_services
from conferences.models import Conference
from periods import services as period_services
from periods.models import ReportingPeriod
from projects import services as project_services
from projects.models import Plan
from projects.tests import factories
from provinces import api_tokens
from provinces.models import CodeSet, Province

pytestmark = pytest.mark.django_db
MARKER = "BIMAT-TAYNINH-7c1f"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + MARKER.encode() + b"\ntrailer<<>>\n%%EOF\n"

# Public by design. Everything else needs a signed-in user (the API's schema and documentation describe the
# API, hold no data, and are read by the systems that integrate with it).
ANONYMOUS_ALLOWED = {
    "login",
    "healthz",
    "healthz_worker",
    "favicon",
    "set_language",
    "api:schema",
    "api:docs",
    "api:redoc",
    "admin:login",
    "admin:logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
# Patterns without a name: catch-alls that answer 404 (or the admin's redirect to its login).
UNNAMED_ALLOWED = {r"^", r"(?P<url>.*)$", "<path:object_id>/"}  # + the admin's old change URLs
REFUSED = {401, 403, 404, 405}


def _params(pattern) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    named = list(pattern.regex.groupindex)
    return named or [f"_{index}" for index in range(pattern.regex.groups)]  # positional groups


def routes(patterns=None, namespace=None, params=()):
    """(qualified name or None, regex text, parameter names) for every URL pattern, includes flattened."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from routes(entry.url_patterns, inner, (*params, *_params(entry.pattern)))
        elif isinstance(entry, URLPattern):
            name = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name else None
            yield name, str(entry.pattern), (*params, *_params(entry.pattern))


@pytest.fixture
def tayninh_data(tayninh_officer, tayninh_approver, ministry_staff):
    """Working data of Tây Ninh, each object marked, keyed by what URL parameters point at."""
    tay_ninh = Province.objects.get(code=80, code_set=CodeSet.CODES_2025)
    old_tay_ninh = Province.objects.get(code=72, code_set=CodeSet.CODES_2004)
    project = factories.make_project(by=tayninh_officer, title=f"Đề án {MARKER}")
    factories.approve(project, officer=tayninh_officer, approver=tayninh_approver)
    project.refresh_from_db()
    project = project_services.project_update(
        project=project,
        by=tayninh_officer,
        data={"approved_support": 120_000_000, "title": f"Đề án {MARKER} (điều chỉnh)"},
        expected_version=project.version,
        reason=f"Lý do {MARKER}",
    )
    attachment = project_services.attachment_add(
        project=project, by=tayninh_officer, kind="acceptance", uploaded_file=SimpleUploadedFile("bb.pdf", PDF)
    )
    commune = tay_ninh.communes.order_by("code").first()
    establishment = project_services.establishment_create(
        by=tayninh_officer, name=f"Cơ sở {MARKER}", kind="household", commune=commune, address=f"Ấp {MARKER}"
    )
    project_services.decision_record(
        project=project,
        by=tayninh_officer,
        kind="contract",
        number=f"HĐ-{MARKER}",
        date=timezone.localdate(),
        signer=f"Ông {MARKER}",
    )
    plan = factories.make_plan(tay_ninh, 2026, "local", 5_000_000_000)
    money_entry = project_services.money_entry_add(
        project=project,
        by=tayninh_officer,
        kind="disbursement",
        amount=1_000_000,
        date=timezone.localdate(),
        note=f"Chi {MARKER}",
    )
    token, _raw = api_tokens.api_token_issue(user=tayninh_officer, by=tayninh_officer, name=MARKER, days=1)

    conference_services.conferences_load()
    c2025 = Conference.objects.get(region__code="southern", year=2025)
    conference_services.conference_close(conference=c2025, next_host=tay_ninh, by=ministry_staff)
    conference = Conference.objects.get(region__code="southern", year=2026)
    conference_services.registration_deadline_set(
        conference=conference, deadline=timezone.now() + datetime.timedelta(days=10), by=ministry_staff
    )
    delegate = conference_services.delegate_register(
        conference=conference,
        province=tay_ninh,
        full_name=f"Nguyễn {MARKER}",
        position="Phó Giám đốc",
        organisation="Sở Công Thương",
        by=tayninh_officer,
    )
    # Discussion papers are shared with every participant by design: no marker, and not counted as scoped.
    conference_services.document_upload(
        conference=conference,
        kind="paper",
        title="Tham luận của Tây Ninh",
        file=SimpleUploadedFile("tl.pdf", PDF.replace(MARKER.encode(), b"shared"), content_type="application/pdf"),
        province=tay_ninh,
        by=tayninh_officer,
    )
    conclusion = Conference.objects.get(region__code="southern", year=2022).conclusions.get(number=4)
    followup = conference_services.followup_report(
        conclusion=conclusion,
        province=old_tay_ninh,
        status="in_progress",
        note=f"Ghi chú {MARKER}",
        evidence=SimpleUploadedFile("mc.pdf", PDF, content_type="application/pdf"),
        by=tayninh_officer,
    )

    today = timezone.localdate()
    period = ReportingPeriod.objects.create(
        kind="year",
        year=today.year,
        number=1,
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today - datetime.timedelta(days=1),
        deadline=today + datetime.timedelta(days=5),
        entry_closes_on=today + datetime.timedelta(days=10),
    )
    from reports.models import Report

    report = Report.objects.create(period=period, province=tay_ninh, achievements=f"Kết quả {MARKER}")
    from products.tests.factories import marked_round

    products = marked_round(officer=tayninh_officer, marker=MARKER)
    exception = period_services.entry_exception_request(period=period, by=tayninh_officer, reason=f"Xin {MARKER}")

    from network import services as network_services

    # The collaborator works in the commune of the marked establishment above.
    collaborator = network_services.collaborator_create(
        by=tayninh_officer,
        province=tay_ninh,
        full_name=f"Cộng tác viên {MARKER}",
        communes=[commune],
        contract_start=today - datetime.timedelta(days=30),
    )
    need = network_services.need_record(
        by=tayninh_officer,
        commune=commune,
        description=f"Nhu cầu {MARKER}",
        gathered_on=today,
        collaborator=collaborator,
    )

    from projects.models import GridImport

    grid_import = GridImport.objects.create(
        period=period,
        province=tay_ninh,
        file=SimpleUploadedFile("ky.xlsx", PDF),
        original_name=f"{MARKER}.xlsx",
        status="refused",
        errors=[{"row": 2, "column": "x", "message": MARKER}],
        created_by=tayninh_officer,
    )
    from projects.models import ProjectImport

    project_import = ProjectImport.objects.create(
        province=tay_ninh,
        original_name=f"{MARKER}.xlsx",
        status="refused",
        errors=[{"sheet": "Đề án", "row": 2, "column": "x", "message": MARKER}],
        created_by=tayninh_officer,
    )
    from notices import services as notice_services

    notice_services.heartbeat_record(name="worker")  # /healthz/worker answers 503 until a worker has run
    [notice] = notice_services.notify(
        recipients=[tayninh_officer],
        kind="test.walk",
        message="Report returned",
        comment=f"Ý kiến {MARKER}",
        event_key="walk",
        target_url=f"/reports/{report.pk}/",
        target_label=f"Báo cáo {MARKER}",
    )
    return {
        "collaborator": collaborator,
        "need": need,
        "grid_import": grid_import,
        "project_import": project_import,
        "notice": notice,
        "project": project,
        "adjustment": project.adjustments.get(),
        "money_entry": money_entry,
        "attachment": attachment,
        "establishment": establishment,
        "plan": plan,
        "token": token,
        "conference": conference,
        "delegate": delegate,
        "conclusion": conclusion,
        "followup": followup,
        "province": old_tay_ninh,
        "report": report,
        "exception": exception,
        "tay_ninh": tay_ninh,
        **products,
    }


def _object_for(name: str, param: str) -> str | None:
    """Which Tây Ninh object a URL parameter names (None: no working data, fill with a harmless value)."""
    namespace, _, view = name.rpartition(":")
    specific = {
        ("projects:attachment", "pk"): "attachment",
        ("api:project-attachment-download", "attachment_pk"): "attachment",
        ("projects:adjustment_decide", "adjustment_pk"): "adjustment",
        ("projects:money_correct", "entry_pk"): "money_entry",
        ("projects:grid_import_job", "pk"): "grid_import",
        ("projects:import_job", "pk"): "project_import",
        ("api:project-money-entry-correction", "entry_id"): "money_entry",
        ("conferences:delegate_withdraw", "pk"): "delegate",
        ("conferences:followup_evidence", "pk"): "followup",
        ("conferences:followup", "conclusion_pk"): "conclusion",
        ("reports:province_dashboard", "pk"): "tay_ninh",
        ("reports:exception_decide", "pk"): "exception",
        ("api:token_revoke", "pk"): "token",
        ("network:collaborator", "pk"): "collaborator",
        ("network:establishment", "pk"): "establishment",
        ("network:need_propose", "pk"): "need",
        ("products:entry", "pk"): "product_entry",
        ("products:score", "pk"): "product_entry",
        ("products:dossier_file", "pk"): "product_file",
        ("products:certificate_pdf", "pk"): "product_certificate",
        ("products:certificate_revoke", "pk"): "product_certificate",
        ("products:annual_report", "pk"): "product_certificate",
        ("products:complaint_resolve", "pk"): "product_complaint",
        ("products:establishment", "pk"): "product_establishment",
        ("products:recognised", "pk"): "product_region_round",  # the public list, by design
        ("notices:open", "pk"): "notice",
    }
    if (name, param) in specific:
        return specific[(name, param)]
    if param == "province_pk":
        return "province" if view == "followup" else "tay_ninh"
    if param == "pk":
        if namespace == "projects":
            return "project"
        if namespace == "conferences":
            return "conference"
        if namespace == "reports":
            return "report"
        if namespace == "products":
            return "product_round"
        if namespace == "api":
            for basename, key in (
                ("project", "project"),
                ("plan", "plan"),
                ("collaborator-need", "need"),
                ("collaborator", "collaborator"),
                ("product-round", "product_round"),
                ("product-entry", "product_entry"),
                ("establishment", "establishment"),
            ):
                if view.startswith(f"{basename}-"):
                    return key
    return None


FIXED = {"action": ["submit"], "fmt": ["pdf", "xlsx"], "slug": ["x"], "uidb64": ["MQ"], "token": ["set-password"]}
ADMIN = {
    "app_label": ["projects", "provinces", "auth"],
    "object_id": ["1"],
    "content_type_id": ["1"],
    "history_id": ["1"],
    "url": ["x"],
}
# Regional rows every signed-in user may read: real ids, but not counted as Tây Ninh's.
SHARED = {"conference", "conclusion", "product_region_round"}


def urls_to_visit(data: dict):
    """(name, url, scoped) for every named pattern; scoped: a parameter names a Tây Ninh object."""
    unnamed, unreversible = [], []
    for name, regex, params in routes():
        if name is None:
            unnamed.append(regex)
            continue
        choices, scoped = {}, False
        for param in params:
            key = _object_for(name, param)
            if key is not None:
                choices[param] = [str(data[key].pk)]
                scoped = scoped or key not in SHARED
            else:
                choices[param] = FIXED.get(param) or ADMIN.get(param) or ["1"]
        url = None
        for attempt in range(3):
            kwargs = {param: values[min(attempt, len(values) - 1)] for param, values in choices.items()}
            positional = [value for param, value in kwargs.items() if param.startswith("_")]
            try:
                url = reverse(name, args=positional) if positional else reverse(name, kwargs=kwargs)
                break
            except NoReverseMatch:
                continue
        if url is None:
            unreversible.append(name)
            continue
        yield name, url, scoped
    assert set(unnamed) <= UNNAMED_ALLOWED, f"name these URL patterns so the walk can check them: {unnamed}"
    assert not unreversible, f"teach the walk how to fill these URLs: {unreversible}"


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and re.match(r"^/(admin/)?login/", response["Location"]) is not None


def test_anonymous_visitors_reach_only_the_allow_list(client, tayninh_data):
    visited = 0
    for name, url, _scoped in urls_to_visit(tayninh_data):
        response = client.get(url)
        visited += 1
        body = body_of(response)
        assert MARKER not in body, f"{name} {url} shows Tây Ninh's data to an anonymous visitor"
        if name in ANONYMOUS_ALLOWED:
            assert response.status_code < 500, (name, url, response.status_code)
            continue
        assert _is_sign_in_redirect(response) or response.status_code in REFUSED, (
            f"{name} {url} answers {response.status_code} to an anonymous visitor"
        )
    assert visited > 60


def test_an_officer_of_another_province_gets_none_of_tay_ninhs_data(client, cantho_officer, tayninh_data):
    client.force_login(cantho_officer)
    visited = scoped_count = 0
    for name, url, scoped in urls_to_visit(tayninh_data):
        response = client.get(url)
        visited += 1
        assert response.status_code < 500, (name, url)
        body = body_of(response)
        assert MARKER not in body, f"{name} {url} shows Tây Ninh's working data to a Cần Thơ officer"
        if scoped:
            scoped_count += 1
            assert response.status_code in REFUSED | {302}, f"{name} {url} answers {response.status_code}"
            if response.status_code == 302:
                assert tayninh_data["project"].code not in response["Location"]
            # Writes too: an empty POST must be refused before any form or service sees it.
            posted = client.post(url, {})
            assert posted.status_code in REFUSED, f"POST {name} {url} answers {posted.status_code}"
            assert MARKER not in body_of(posted)
    assert visited > 60 and scoped_count >= 15
    # The walk used real rows: the owner does see them.
    project = tayninh_data["project"]
    assert Plan.objects.filter(pk=tayninh_data["plan"].pk).exists()
    assert project.approved_support == Decimal(100_000_000) or project.adjustments.exists()


def test_the_owner_sees_what_the_other_officer_could_not(client, tayninh_officer, tayninh_data):
    client.force_login(tayninh_officer)
    for url in (
        reverse("projects:detail", args=[tayninh_data["project"].pk]),
        reverse("projects:attachment", args=[tayninh_data["attachment"].pk]),
        reverse("conferences:followup_evidence", args=[tayninh_data["followup"].pk]),
        reverse("notices:list"),
        f"/api/v1/projects/{tayninh_data['project'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER in body_of(response), url


# Between the two sign-in steps --------------------------------------------------------------------------

# What a session that has given its password but not yet its TOTP code may still open.
HALF_SIGNED_IN_ALLOWED = ANONYMOUS_ALLOWED | {"logout", "account:otp_setup", "account:otp_verify"}
CRAFTED_HEADERS = [
    {},
    {"HTTP_AUTHORIZATION": "Bearer x"},
    {"HTTP_AUTHORIZATION": "Bearer"},
    {"HTTP_AUTHORIZATION": "bearer kc_" + "0" * 40},
    {"HTTP_AUTHORIZATION": "Token x"},
    {"HTTP_AUTHORIZATION": "Basic eDp5"},
]


def _password_only(client, username):
    response = client.post(reverse("login"), {"username": username, "password": "mat-khau-thu-nghiem-2026"})
    assert response.status_code == 302, response
    assert client.session.get("_auth_user_id")
    home = client.get(reverse("home"))
    assert home.status_code == 302 and "/account/otp/" in home["Location"]


@pytest.mark.parametrize("who", ["ministry_without_device", "admin_with_device"])
def test_a_password_alone_opens_nothing_whatever_the_headers(client, who, tayninh_data, ministry_staff, administrator):
    """The state between the login steps is a user too: with the password typed and no TOTP code, every
    page but the code pages and sign-out redirects or refuses, with or without an Authorization header."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from provinces.models import ApiToken

    user = ministry_staff if who == "ministry_without_device" else administrator
    TOTPDevice.objects.filter(user=user).delete()
    if who == "admin_with_device":
        TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    user.set_password("mat-khau-thu-nghiem-2026")
    user.save()
    _password_only(client, user.username)
    tokens_before = ApiToken.objects.count()
    visited = 0
    for name, url, _scoped in urls_to_visit(tayninh_data):
        if name in HALF_SIGNED_IN_ALLOWED:
            continue
        for headers in CRAFTED_HEADERS:
            for method in ("get", "post"):
                response = getattr(client, method)(url, **headers)
                visited += 1
                status = response.status_code
                assert status in (302, 401, 403, 405, 429), f"{method.upper()} {name} {url} {headers} answers {status}"
                if status == 302:
                    assert "/account/otp/" in response["Location"], (name, url, response["Location"])
                assert MARKER not in body_of(response), (name, url, headers)
    assert visited > 500
    assert ApiToken.objects.count() == tokens_before, "a half-signed-in session issued an API token"
    # The session is still only half signed in: the token page itself redirects to the code page.
    response = client.post(
        reverse("api:tokens"), {"name": "x", "days": 366, "can_write": "on"}, HTTP_AUTHORIZATION="Bearer x"
    )
    assert response.status_code == 302 and "/account/otp/" in response["Location"]


def test_the_api_session_authentication_checks_the_second_factor_on_its_own(rf, ministry_staff):
    """Defence in depth: DRF's session authentication refuses a password-only session even without the
    middleware in front of it."""
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp.middleware import OTPMiddleware
    from rest_framework.request import Request

    from khuyencong.api_base import ApiError, VerifiedSessionAuthentication

    request = rf.get("/api/v1/projects/")
    request.session = SessionStore()
    request.user = ministry_staff
    OTPMiddleware(lambda r: None)._verify_user_sync(request, ministry_staff)
    request._dont_enforce_csrf_checks = True
    with pytest.raises(ApiError) as refused:
        VerifiedSessionAuthentication().authenticate(Request(request))
    assert refused.value.status_code == 403


# Regional linkage (liên kết vùng): a partner province reads the project, never writes ---------------------

WRITE_PAGES = {
    "projects:edit",
    "projects:money_add",
    "projects:attachment_upload",
    "projects:decision_add",
    "projects:transition",
    "projects:adjustment_decide",
}


def test_a_partner_province_reads_the_project_but_every_write_is_refused(client, cantho_officer, tayninh_data):
    """The read door includes partner provinces, the write door does not: walked over every URL."""
    project = tayninh_data["project"]
    project.is_inter_provincial = True
    project.save(update_fields=["is_inter_provincial"])
    project.partner_provinces.set([cantho_officer.unit.province])
    before = (project.version, project.money_entries.count(), project.attachments.count(), project.decisions.count())
    client.force_login(cantho_officer)
    for url in (
        reverse("projects:detail", args=[project.pk]),
        reverse("projects:attachment", args=[tayninh_data["attachment"].pk]),
        f"/api/v1/projects/{project.pk}/",
        f"/api/v1/projects/{project.pk}/decisions/",
        f"/api/v1/projects/{project.pk}/attachments/{tayninh_data['attachment'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert MARKER in body_of(response), url
    detail = body_of(client.get(reverse("projects:detail", args=[project.pk])))
    assert reverse("projects:edit", args=[project.pk]) not in detail  # no edit button for a partner
    write_pages = 0
    for name, url, scoped in urls_to_visit(tayninh_data):
        if not scoped:
            continue
        posted = client.post(url, {"kind": "photo", "number": "X", "date": "2026-01-01", "amount": "1"})
        assert posted.status_code != 500, (name, url)
        if name in WRITE_PAGES or (name.startswith("api:project-") and name != "api:project-list"):
            write_pages += 1
            assert posted.status_code in REFUSED, f"POST {name} {url} answers {posted.status_code} to a partner"
    assert write_pages >= 15
    patched = client.patch(
        f"/api/v1/projects/{project.pk}/", {"title": "x", "version": project.version}, content_type="application/json"
    )
    assert patched.status_code == 404
    project.refresh_from_db()
    after = (project.version, project.money_entries.count(), project.attachments.count(), project.decisions.count())
    assert after == before
