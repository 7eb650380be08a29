"""Benchmark of the regional dashboard at demo scale 1 and 10 on the current database (DATABASE_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_dash_bench .venv/bin/python bench/dashboard.py

Use a database of your own: the script migrates it and replaces its demo rows (seed_demo). For PostgreSQL
it creates the database when missing. Prints, per scale, the project count, the median time of the page
over repeated requests, the query count, and the ratio of the medians (goal: scale 10 ≤ 2 × scale 1).

With BENCH_DB_1 and BENCH_DB_10 (two databases already seeded at scales 1 and 10) it instead interleaves the
regional and the Tây Ninh dashboards over both, request by request in one process, and prints the ratios and
the load average (the same machine load for both scales).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
PARAMS = [
    {"year": 2025, "period": "nine", "view": "today"},
    {"year": 2022, "period": "nine", "view": "asis"},
]


def ensure_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    conn = psycopg2.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"], password=config["PASSWORD"]
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    conn.close()


def interleaved() -> None:
    """Both scales in one process, request by request (BENCH_DB_1, BENCH_DB_10: seeded databases of your own)."""
    import dj_database_url

    os.environ["DATABASE_URL"] = os.environ["BENCH_DB_1"]
    import django

    django.setup()
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from load import session_for

    from projects.models import Project
    from provinces.models import Province, User

    names = {scale: dj_database_url.parse(os.environ[f"BENCH_DB_{scale}"])["NAME"] for scale in (1, 10)}

    def use(scale: int) -> None:
        if connections["default"].settings_dict["NAME"] != names[scale]:
            connections["default"].close()
            connections["default"].settings_dict["NAME"] = names[scale]

    jobs, clients, counts = {}, {}, {}
    for scale in (1, 10):
        use(scale)
        client = Client()
        client.cookies["sessionid"] = session_for(User.objects.get(username="bo.khuyencong"))
        clients[scale] = client
        counts[scale] = Project.objects.count()
        tayninh = Province.objects.get(name="Tây Ninh", valid_to__isnull=True)
        jobs[scale] = {
            "regional": reverse("reports:regional_dashboard"),
            "province (Tây Ninh)": reverse("reports:province_dashboard", args=[tayninh.pk]),
        }
    timings = {(job, scale, i): [] for job in jobs[1] for scale in (1, 10) for i in range(len(PARAMS))}
    queries = {}
    for job in jobs[1]:
        for scale in (1, 10):
            use(scale)
            for i, params in enumerate(PARAMS):
                with CaptureQueriesContext(connection) as ctx:
                    assert clients[scale].get(jobs[scale][job], params).status_code == 200
                queries[job, scale, i] = len(ctx.captured_queries)
    started = os.getloadavg()
    for _ in range(REPEAT):
        for key in timings:
            job, scale, i = key
            use(scale)
            begin = time.perf_counter()
            assert clients[scale].get(jobs[scale][job], PARAMS[i]).status_code == 200
            timings[key].append(time.perf_counter() - begin)
    print(f"databases: {names[1]} ({counts[1]} projects), {names[10]} ({counts[10]} projects); {REPEAT} rounds")
    print(f"load average at start {started[0]:.2f}, at end {os.getloadavg()[0]:.2f}")
    for job in jobs[1]:
        for i, params in enumerate(PARAMS):
            m1, m10 = (statistics.median(timings[job, scale, i]) for scale in (1, 10))
            print(
                f"{job:<20} {params}: scale 1 {m1 * 1000:.1f} ms, {queries[job, 1, i]} queries | scale 10 "
                f"{m10 * 1000:.1f} ms, {queries[job, 10, i]} queries | ratio 10/1 {m10 / m1:.2f}"
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
