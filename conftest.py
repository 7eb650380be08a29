"""Project-wide test fixtures: settings for speed, reference data, and the personas tests speak of."""

import os
import shutil
import sys

import openpyxl  # noqa: F401 - see below
import pytest

# openpyxl builds its table of cell types when first imported. Imported for the first time inside a test under
# freezegun (a view module loaded by the first request), the table would hold freezegun's FakeDate, and real
# dates would be refused by every later test: import it here, before any clock is frozen.

# Playwright's sync API runs an event loop in the test thread; Django's ORM then needs this to be allowed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("KC_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.REPORTS_SWEEP_ON_WORKER_START = False  # tests run their sweeps themselves
    settings.LANGUAGE_CODE = "vi"
    from django.core.cache import cache

    cache.clear()  # throttle counters live in the cache: each test starts with none


@pytest.fixture(autouse=True)
def _force_login_gives_the_second_factor(monkeypatch):
    """Tests that sign in with client.force_login act as fully signed-in users: for accounts that must give
    a TOTP code (ministry staff, administrators) the session is also marked verified with a confirmed device,
    as after the code page. Tests of the second factor itself sign in through the login form instead."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from khuyencong import security

        if security.otp_mandatory(user):
            device = security.totp_device_for(user=user) or TOTPDevice.objects.create(
                user=user, name="test", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright cannot download its own browser on these machines."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def commit_bumps():
    """Runs the data-version bumps the test's own transaction holds back, as its commit would: for tests that
    pin a warm (cached) request after the fixtures' writes (khuyencong/cachekeys.py: a transaction with
    uncommitted writes reads its figures fresh)."""

    def run():
        from django.db import connection

        from khuyencong import cachekeys

        for _sids, func, _robust in list(connection.run_on_commit):
            if cachekeys.is_bump(func) and not func.done:
                func()

    return run


@pytest.fixture
def reference_data(db):
    from projects import services as project_services
    from provinces import services

    services.reference_load()
    project_services.programmes_load()


# Signers' profiles of the personas: (full name, position, authority, the head's position)
SIGNERS = {
    "ministry": ("Nguyễn Thị Minh", "Phó Cục trưởng", "KT", "Cục trưởng"),
    "tn.approver": ("Lê Thị Bình", "Phó Giám đốc", "KT", "Giám đốc"),
    "ct.approver": ("Võ Thị Dung", "Giám đốc", "", ""),
}


def _make_user(username, role, province_code=None, unit_kind=None):
    from provinces.models import CodeSet, Unit, User

    unit = None
    if province_code is not None:
        unit = Unit.objects.get(kind=unit_kind, province__code=province_code, province__code_set=CodeSet.CODES_2025)
    elif role == User.Role.MINISTRY:
        unit = Unit.objects.get(kind=Unit.Kind.MINISTRY_DEPARTMENT)
    name, job_title, authority, head_title = SIGNERS.get(username, ("", "", "", ""))
    return User.objects.create_user(
        username=username,
        password="correct-horse-battery",
        role=role,
        unit=unit,
        first_name=name,
        job_title=job_title,
        signing_authority=authority,
        head_title=head_title,
    )


@pytest.fixture
def ministry_staff(reference_data):
    return _make_user("ministry", "ministry")


@pytest.fixture
def administrator(reference_data):
    user = _make_user("root", "admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def tayninh_officer(reference_data):
    return _make_user("tn.officer", "officer", 80, "centre")


@pytest.fixture
def tayninh_approver(reference_data):
    return _make_user("tn.approver", "approver", 80, "doit")


@pytest.fixture
def cantho_officer(reference_data):
    """Officer of today's Cần Thơ, which took in Hậu Giang and Sóc Trăng in 2025."""
    return _make_user("ct.officer", "officer", 92, "centre")


@pytest.fixture
def cantho_approver(reference_data):
    return _make_user("ct.approver", "approver", 92, "doit")


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium and client generation needs openapi-python-client (requirements-dev);
    off CI they are skipped when it is missing, on CI (CI=true, set by .ci/run) they run and fail without it."""
    if os.environ.get("CI"):
        return
    generator = shutil.which("openapi-python-client", path=os.path.dirname(sys.executable))
    for marker, present, reason in (
        ("browser", os.path.exists(CHROMIUM), f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
        ("client_generation", generator is not None, "no openapi-python-client (pip install -r requirements-dev.txt)"),
    ):
        if present:
            continue
        for item in items:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))
