"""A small hand-built data set across the 2025 merger; figures in test_figures.py are worked out from it.

Rows are created with the ORM, not the services: history from before the merger cannot be recorded
through today's services (approval moves a draft to today's successor province).
"""

import datetime
import os
from decimal import Decimal

import pytest

from khuyencong.celery import app
from projects.models import MoneyEntry, NationalPlanRegistration, Plan, Project, Status
from provinces.models import ActivityContent, Province, Unit, User

M = 1_000_000


def prov(code, code_set):
    return Province.objects.get(code=code, code_set=code_set)


def make_project(code, province, year, fund, support, *, status=Status.DONE, end=None, activity="KC03", money=()):
    project = Project.objects.create(
        code=code,
        title=f"Test {code}",
        province=province,
        implementing_unit=Unit.objects.get(kind="centre", province=province),
        plan_year=year,
        fund=fund,
        activity=ActivityContent.objects.get(code=activity),
        start_date=datetime.date(year, 2, 1),
        end_date=end or datetime.date(year, 11, 30),
        approved_support=Decimal(support * M),
        status=status,
        created_by=User.objects.order_by("pk").first(),
    )
    for kind, amount, day in money:
        MoneyEntry.objects.create(
            project=project, kind=kind, amount=Decimal(amount * M), date=day, created_by=project.created_by
        )
    return project


D = MoneyEntry.Kind.DISBURSEMENT
A = MoneyEntry.Kind.ADVANCE
date = datetime.date


@pytest.fixture
def hand_data(ministry_staff):
    tn_old, la, hg = prov(72, 2004), prov(80, 2004), prov(93, 2004)
    tn_new = prov(80, 2025)
    for province, year, fund, amount in [
        (tn_old, 2024, "local", 1000),
        (la, 2024, "local", 2000),
        (la, 2024, "national", 500),
        (hg, 2024, "local", 300),
        (tn_old, 2025, "local", 800),
        (tn_new, 2025, "local", 400),
    ]:
        Plan.objects.create(province=province, year=year, fund=fund, planned_amount=Decimal(amount * M))
    make_project(
        "T-P1",
        tn_old,
        2024,
        "local",
        600,
        money=[
            (D, 100, date(2023, 12, 20)),  # in the 2024 window (from 15/12/2023)
            (D, 200, date(2024, 5, 10)),
            (D, 50, date(2024, 9, 14)),  # the cut-off day itself counts
            (D, 100, date(2024, 9, 15)),  # after the 9-month cut-off
            (A, 300, date(2024, 3, 1)),  # an advance is not a disbursement
        ],
    )
    make_project("T-P2", la, 2024, "national", 500, money=[(D, 125, date(2024, 4, 1))])
    make_project(
        "T-P2b",
        la,
        2024,
        "local",
        400,
        activity="KC01",
        money=[(D, 40, date(2023, 12, 14)), (D, 160, date(2024, 6, 1))],  # 14/12/2023: before the window
    )
    make_project("T-P3", tn_old, 2025, "local", 500, money=[(D, 200, date(2025, 3, 1)), (D, 100, date(2025, 9, 20))])
    make_project(
        "T-P4",
        tn_new,
        2025,
        "local",
        300,
        status=Status.IN_PROGRESS,
        end=date(2025, 10, 31),
        activity="KC01",
        money=[(D, 100, date(2025, 8, 1))],
    )
    make_project("T-P5", hg, 2024, "local", 300, money=[(D, 150, date(2024, 2, 1))])
    make_project("T-P6", tn_old, 2023, "local", 100, money=[(D, 100, date(2024, 1, 10))])  # 2023's project
    NationalPlanRegistration.objects.create(
        province=tn_new, plan_year=2026, deadline=date(2025, 9, 30), status="registered", project_count=2
    )
    NationalPlanRegistration.objects.create(
        province=prov(92, 2025), plan_year=2026, deadline=date(2025, 9, 30), status="late", project_count=1
    )
    return {"tn_old": tn_old, "la": la, "hg": hg, "tn_new": tn_new, "ct_new": prov(92, 2025)}


# ---- a real broker for the worker tests ----------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")


def _reset_connections() -> None:
    """Drop pooled broker connections so the next task is sent with the broker just configured."""
    from kombu import pools

    pools.reset()  # kombu keeps producer pools per connection in a global registry
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_url() -> str:
    """A Redis database of the tests' own (15), emptied first; CI must have Redis, elsewhere we skip."""
    if not REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set on CI")
        pytest.skip("REDIS_URL is not set")
    import redis

    url = REDIS_URL.rsplit("/", 1)[0] + "/15"
    redis.Redis.from_url(url).flushdb()
    return url


@pytest.fixture
def redis_app(settings, redis_url):
    """The Celery app sending to Redis for real (tests are eager otherwise)."""
    saved = {
        key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager", "broker_transport_options")
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
        broker_transport_options={"visibility_timeout": 600},
    )
    _reset_connections()
    yield app
    app.conf.update(saved)
    _reset_connections()
