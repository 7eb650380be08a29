"""Benchmark of the regional dashboard at demo scale 1 and 10 on the current database (DATABASE_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_dash_bench .venv/bin/python bench/dashboard.py

Use a database of your own: the script migrates it and replaces its demo rows (seed_demo). For PostgreSQL
it creates the database when missing. Prints, per scale, the project count, the median time of the page
over repeated requests, the query count, and the ratio of the medians (goal: scale 10 ≤ 2 × scale 1).

With BENCH_DB_1 and BENCH_DB_10 (two databases already seeded at scales 1 and 10) it instead interleaves the
regional and the Tây Ninh dashboards over both, request by request in one process, and prints the ratios and
the load average (the same machine load for both scales). The dashboards' figures are cached by data
version (khuyencong/cachekeys.py): each page is timed cold (cache emptied before the request: the figures
and the reference data they use are read), after a write (the data version bumped before the request, as
an officer's money entry does: the figures are computed, the calendar and the region's provinces, cached as
reference data, are not read again) and warm (served from the cache). Run it without REDIS_URL so the cache
is this process's memory. "Cold" empties the cache, not the process: the dashboards' grouped statements,
compiled to SQL once per process (khuyencong/statements.py), stay compiled, as in a running server whose
cache was flushed; a server process compiles each on its first request. It also times FLOOR_SQL, one
statement computing the same per-province, per-fund planned and disbursed figures (this period and the
same period last year, with the fund and region totals), checks them equal to the regional page's cell by
cell (provinces as recorded), and prints page ÷ floor.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import ensure_database  # noqa: E402 - after the path is set

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
PARAMS = [
    {"year": 2025, "period": "nine", "view": "today"},
    {"year": 2022, "period": "nine", "view": "asis"},
]


# The floor: the regional dashboard's money figures in one statement (two CTEs over the plans and the
# disbursements, GROUPING SETS for the fund and region totals). Same definitions as reports/figures.py:
# plans of the year; disbursements of the plan year's projects dated from the year's data-window start to
# the period's cut-off (corrections are negative entries of the same kind, so they are summed in).
FLOOR_SQL = """
WITH plans AS (
    SELECT province_id, fund,
           SUM(planned_amount) FILTER (WHERE year = %(year)s) AS planned_now,
           SUM(planned_amount) FILTER (WHERE year = %(year)s - 1) AS planned_last
    FROM projects_plan
    WHERE province_id = ANY(%(ids)s) AND year IN (%(year)s, %(year)s - 1)
    GROUP BY province_id, fund
), money AS (
    SELECT p.province_id, p.fund,
           SUM(e.amount) FILTER (WHERE p.plan_year = %(year)s AND e.date BETWEEN %(start)s AND %(end)s)
               AS disbursed_now,
           SUM(e.amount) FILTER (WHERE p.plan_year = %(year)s - 1 AND e.date BETWEEN %(last_start)s AND %(last_end)s)
               AS disbursed_last
    FROM projects_moneyentry e JOIN projects_project p ON p.id = e.project_id
    WHERE e.kind = 'disbursement' AND p.province_id = ANY(%(ids)s) AND p.plan_year IN (%(year)s, %(year)s - 1)
      AND e.date >= %(last_start)s
    GROUP BY p.province_id, p.fund
)
SELECT COALESCE(plans.province_id, money.province_id) AS province_id, COALESCE(plans.fund, money.fund) AS fund,
       COALESCE(SUM(planned_now), 0), COALESCE(SUM(disbursed_now), 0),
       COALESCE(SUM(planned_last), 0), COALESCE(SUM(disbursed_last), 0),
       GROUPING(COALESCE(plans.province_id, money.province_id), COALESCE(plans.fund, money.fund))
FROM plans FULL JOIN money ON plans.province_id = money.province_id AND plans.fund = money.fund
GROUP BY GROUPING SETS (
    (COALESCE(plans.province_id, money.province_id), COALESCE(plans.fund, money.fund)),
    (COALESCE(plans.fund, money.fund)),
    ()
)
"""


def floor_run(connection, dashboard, ids: list[int]) -> dict:
    """FLOOR_SQL for the dashboard's period: {(province id or "all", fund or "total"): (now, last)}."""
    from reports.figures import Figures

    params = {
        "ids": ids,
        "year": dashboard.period.year,
        "start": dashboard.period.starts_on,
        "end": dashboard.period.ends_on,
        "last_start": dashboard.last_period.starts_on,
        "last_end": dashboard.last_period.ends_on,
    }
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        rows = cursor.fetchall()
    out = {}
    for province_id, fund, planned, disbursed, planned_last, disbursed_last, grouping in rows:
        key = (province_id if grouping == 0 else "all", fund if grouping in (0, 1) else "total")
        out[key] = (Figures(planned, disbursed), Figures(planned_last, disbursed_last))
    return out


def floor_check(dashboard, floor: dict) -> int:
    """Every cell of the page (provinces as recorded) equals the floor's; returns the cells compared."""
    zero = None
    compared = 0
    for row in dashboard.rows:
        for fund in ("national", "local"):
            now, last = floor.get((row.province.pk, fund), (zero, zero))
            page = (row.now[fund], row.last[fund])
            want = tuple((f.planned, f.disbursed) if f else (0, 0) for f in (now, last))
            got = tuple((f.planned, f.disbursed) for f in page)
            assert got == want, f"{row.name} {fund}: page {got} ≠ floor {want}"
            compared += 1
    shown = {row.province.pk for row in dashboard.rows}
    extra = [key for key in floor if key[0] != "all" and key[0] not in shown]
    off_page = [key for key in extra if floor[key][0].planned or floor[key][0].disbursed]
    assert not off_page, f"floor rows with figures the page does not show: {off_page}"
    total = dashboard.total.total.now
    assert (floor["all", "total"][0].planned, floor["all", "total"][0].disbursed) == (total.planned, total.disbursed)
    return compared + 1


def interleaved() -> None:
    """Both scales in one process, request by request (BENCH_DB_1, BENCH_DB_10: seeded databases of your own)."""
    import dj_database_url

    os.environ["DATABASE_URL"] = os.environ["BENCH_DB_1"]
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from load import session_for

    from khuyencong import cachekeys
    from projects.models import Project
    from provinces.models import Province, RegionMembership, User
    from reports import figures
    from reports.views import PERIODS

    names = {scale: dj_database_url.parse(os.environ[f"BENCH_DB_{scale}"])["NAME"] for scale in (1, 10)}

    from common import scale_switcher

    use = scale_switcher(names)

    jobs, clients, counts = {}, {}, {}
    for scale in (1, 10):
        use(scale)
        client = Client()
        ministry = User.objects.get(username="bo.khuyencong")
        client.cookies["sessionid"] = session_for(ministry)
        clients[scale] = client
        counts[scale] = Project.objects.count()
        tayninh = Province.objects.get(name="Tây Ninh", valid_to__isnull=True)
        jobs[scale] = {
            "regional": reverse("reports:regional_dashboard"),
            "province (Tây Ninh)": reverse("reports:province_dashboard", args=[tayninh.pk]),
        }
    modes = ("cold", "after write", "warm")
    timings = {
        (job, scale, i, mode): [] for job in jobs[1] for scale in (1, 10) for i in range(len(PARAMS)) for mode in modes
    }
    queries, dashboards, region_ids = {}, {}, {}
    for scale in (1, 10):
        use(scale)
        region_ids[scale] = list(
            RegionMembership.objects.filter(region__code="southern").values_list("province_id", flat=True).distinct()
        )
    for job in jobs[1]:
        for scale in (1, 10):
            use(scale)
            for i, params in enumerate(PARAMS):
                cache.clear()
                with CaptureQueriesContext(connection) as ctx:
                    response = clients[scale].get(jobs[scale][job], params)
                assert response.status_code == 200
                queries[job, scale, i, "cold"] = len(ctx.captured_queries)
                if job == "regional":  # the page's own figures (its function, with the page's arguments)
                    kind, number = PERIODS[params["period"]]
                    dashboards[job, scale, i] = figures.regional_figures(
                        year=params["year"], kind=kind, number=number, rollup=params["view"] == "today", user=ministry
                    )
                with CaptureQueriesContext(connection) as ctx:
                    assert clients[scale].get(jobs[scale][job], params).status_code == 200
                queries[job, scale, i, "warm"] = len(ctx.captured_queries)
                cachekeys.bump()  # outside a transaction: at once
                with CaptureQueriesContext(connection) as ctx:
                    assert clients[scale].get(jobs[scale][job], params).status_code == 200
                queries[job, scale, i, "after write"] = len(ctx.captured_queries)
    floor_times = {(scale, i): [] for scale in (1, 10) for i in range(len(PARAMS))}
    for scale in (1, 10):  # the floor's figures equal the page's (provinces as recorded: the "asis" view)
        use(scale)
        for i, params in enumerate(PARAMS):
            if params["view"] == "asis":
                dashboard = dashboards["regional", scale, i]
                cells = floor_check(dashboard, floor_run(connection, dashboard, region_ids[scale]))
                print(f"floor = page, scale {scale}, {params}: {cells} cells equal")
    started = os.getloadavg()
    for _ in range(REPEAT):
        for key in timings:
            job, scale, i, mode = key
            use(scale)
            if mode == "cold":
                cache.clear()
            elif mode == "after write":  # warm first, whatever ran before, then the write
                assert clients[scale].get(jobs[scale][job], PARAMS[i]).status_code == 200
                cachekeys.bump()
            begin = time.perf_counter()
            assert clients[scale].get(jobs[scale][job], PARAMS[i]).status_code == 200
            timings[key].append(time.perf_counter() - begin)
        for scale, i in floor_times:
            use(scale)
            begin = time.perf_counter()
            floor_run(connection, dashboards["regional", scale, i], region_ids[scale])
            floor_times[scale, i].append(time.perf_counter() - begin)
    print(f"databases: {names[1]} ({counts[1]} projects), {names[10]} ({counts[10]} projects); {REPEAT} rounds")
    print(f"load average at start {started[0]:.2f}, at end {os.getloadavg()[0]:.2f} (shared machine)")
    for job in jobs[1]:
        for i, params in enumerate(PARAMS):
            for mode in modes:
                m1, m10 = (statistics.median(timings[job, scale, i, mode]) for scale in (1, 10))
                print(
                    f"{job:<20} {mode:<11} {params}: scale 1 {m1 * 1000:.1f} ms, {queries[job, 1, i, mode]} queries | "
                    f"scale 10 {m10 * 1000:.1f} ms, {queries[job, 10, i, mode]} queries | ratio 10/1 {m10 / m1:.2f}"
                )
    for i, params in enumerate(PARAMS):
        for scale in (1, 10):
            floor = statistics.median(floor_times[scale, i])
            cold, written, warm = (statistics.median(timings["regional", scale, i, mode]) for mode in modes)
            print(
                f"floor statement, scale {scale} {params}: {floor * 1000:.1f} ms | regional page ÷ floor: "
                f"cold {cold / floor:.1f}, after a write {written / floor:.1f}, warm {warm / floor:.1f}"
            )


def main() -> None:
    if os.environ.get("BENCH_DB_1") and os.environ.get("BENCH_DB_10"):
        interleaved()
        return
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database of your own (it is migrated and reseeded).")
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from load import session_for

    from projects import demo
    from projects.models import Project
    from provinces.models import User

    call_command("migrate", verbosity=0, skip_checks=True)
    url = reverse("reports:regional_dashboard")
    results = {}
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, {REPEAT} requests per view")
    for scale in (1, 10):
        started = time.perf_counter()
        demo.demo_seed(scale=scale, seed=1)
        seeded = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        client = Client()  # ministry staff, signed in with the second factor as on the code page
        client.cookies["sessionid"] = session_for(User.objects.get(username="bo.khuyencong"))
        timings, queries = [], 0
        for params in PARAMS:
            assert client.get(url, params).status_code == 200  # warm-up
            for _ in range(REPEAT):
                with CaptureQueriesContext(connection) as ctx:
                    begin = time.perf_counter()
                    response = client.get(url, params)
                    timings.append(time.perf_counter() - begin)
                assert response.status_code == 200
                queries = max(queries, len(ctx.captured_queries))
        median = statistics.median(timings)
        results[scale] = median
        print(
            f"scale {scale:>2}: {Project.objects.count():>6} projects (seeded in {seeded:.1f} s), "
            f"median {median * 1000:.1f} ms, p90 {statistics.quantiles(timings, n=10)[-1] * 1000:.1f} ms, "
            f"{queries} queries"
        )
    print(f"ratio scale 10 / scale 1: {results[10] / results[1]:.2f}")


if __name__ == "__main__":
    main()
