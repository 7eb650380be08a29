"""Benchmark of the project list page and the API project list at demo scales 1 and 10, interleaved.

    BENCH_DB_1=postgres://postgres@127.0.0.1:5432/kc_i19_s1 \\
    BENCH_DB_10=postgres://postgres@127.0.0.1:5432/kc_i19_s10 .venv/bin/python bench/lists.py [--explain]

The two databases must be migrated and seeded already (`manage.py migrate && manage.py load_reference &&
manage.py seed_demo --scale 1` / `--scale 10`); the bench adds its sign-in session and API token to each.
One process switches between them request by request (round-robin over jobs and scales), so both scales see
the same machine load. Prints per job and scale the median and p90, the query count, the scale-10 ÷ scale-1
ratio, and the API list (page_size 50) ÷ a trivial DRF view behind the same token authentication and
throttles (bench/lists_urls.py). The list's row count and total row are cached by data version
(khuyencong/cachekeys.py): the jobs marked "cold" empty the cache before each request, those marked "after
write" bump the data version (as an officer's entry does: reference data stays cached); the others are timed
on a second request right after an untimed one, as every request after the first is until a write. Absolute
times are noisy on a shared machine: read the ratios, and the load average printed beside them.

--explain prints EXPLAIN (ANALYZE) of every query of the list jobs at scale 10 that reads projects, and says
whether any plan has a sequential scan of projects.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
os.environ.setdefault("KC_API_THROTTLE_USER", "1000000/minute")  # the throttle still runs, it just never bites
REPEAT = int(os.environ.get("BENCH_REPEAT", "15"))
SCALES = (1, 10)


def main() -> None:
    urls = {scale: os.environ.get(f"BENCH_DB_{scale}") for scale in SCALES}
    if not all(urls.values()):
        sys.exit("Set BENCH_DB_1 and BENCH_DB_10 to two seeded databases of your own.")
    os.environ["DATABASE_URL"] = urls[1]
    import dj_database_url
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from load import session_for, token_for

    from projects.models import Project
    from provinces import services
    from provinces.models import User

    names = {scale: dj_database_url.parse(url)["NAME"] for scale, url in urls.items()}

    from common import scale_switcher

    use = scale_switcher(names)

    override_settings(ROOT_URLCONF="lists_urls", DEBUG=False).enable()
    clients, counts, officer_names = {}, {}, {}
    for scale in SCALES:
        use(scale)
        services.demo_accounts_create()
        ministry = User.objects.get(username="bo.khuyencong")
        # the same demo officer at both scales (bench/load.py adds officers of its own to a database it used)
        officer = User.objects.get(username="cantho.canbo")
        page, officer_page, api = Client(), Client(), Client()
        page.cookies["sessionid"] = session_for(ministry)
        officer_page.cookies["sessionid"] = session_for(officer)
        api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_for(ministry)}"
        clients[scale] = {"page": page, "officer": officer_page, "api": api}
        counts[scale] = Project.objects.count()
        officer_names[scale] = officer.username

    jobs = {
        "list page (ministry)": ("page", "/du-an/", {}),
        "list page (officer)": ("officer", "/du-an/", {}),
        "API list page_size 50": ("api", "/api/v1/projects/", {"page_size": 50}),
        "API list page_size 500": ("api", "/api/v1/projects/", {"page_size": 500}),
        "trivial DRF view": ("api", "/bench/trivial/", {}),
    }
    from django.urls import reverse

    jobs["list page (ministry)"] = ("page", reverse("projects:list"), {})
    jobs["list page (officer)"] = ("officer", reverse("projects:list"), {})

    # Cold variants: the cache emptied before each request, so the count and the total row are computed (a
    # warm list reads them from the cache until the next write). After a write: the data version bumped
    # before each request, as an officer's entry does (the reference data, such as the filter form and the
    # scope's provinces, stays cached).
    for name in ("list page (ministry)", "list page (officer)", "API list page_size 50"):
        jobs[f"{name} cold"] = jobs[name]
        jobs[f"{name} after write"] = jobs[name]
    from django.core.cache import cache

    from khuyencong import cachekeys

    def prepare(job: str, client, url: str, params: dict) -> None:
        """Before a timed (or counted) request: empty the cache, bump the version, or warm it."""
        if job.endswith(" cold"):
            cache.clear()
        elif job.endswith(" after write"):  # warm first: the cold jobs emptied the cache since this one's turn
            assert client.get(url, params).status_code == 200
            cachekeys.bump()  # outside a transaction: at once
        else:  # warm: the cold jobs cleared the cache since this job's last turn
            assert client.get(url, params).status_code == 200

    if "--explain" in sys.argv:
        explain(use, clients, jobs, connection, CaptureQueriesContext)
        return

    timings = {(job, scale): [] for job in jobs for scale in SCALES}
    queries = {}
    for job, (who, url, params) in jobs.items():  # warm-up and query counts
        for scale in SCALES:
            use(scale)
            prepare(job, clients[scale][who], url, params)  # the counted request is one as the timed ones
            with CaptureQueriesContext(connection) as ctx:
                assert clients[scale][who].get(url, params).status_code == 200, (job, scale)
            queries[job, scale] = len(ctx.captured_queries)
    started = os.getloadavg()
    for _ in range(REPEAT):
        for job, (who, url, params) in jobs.items():
            for scale in SCALES:
                use(scale)
                prepare(job, clients[scale][who], url, params)
                begin = time.perf_counter()
                response = clients[scale][who].get(url, params)
                timings[job, scale].append(time.perf_counter() - begin)
                assert response.status_code == 200
    ended = os.getloadavg()
    print(
        f"databases: {names[1]} ({counts[1]} projects), {names[10]} ({counts[10]} projects); cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; officer {officer_names[1]}; "
        f"{REPEAT} interleaved rounds"
    )
    print(f"load average at start {started[0]:.2f}, at end {ended[0]:.2f}")
    medians = {key: statistics.median(values) for key, values in timings.items()}
    for job in jobs:
        cells = []
        for scale in SCALES:
            p90 = statistics.quantiles(timings[job, scale], n=10)[-1]
            cells.append(
                f"scale {scale}: {medians[job, scale] * 1000:7.1f} ms (p90 {p90 * 1000:7.1f}), "
                f"{queries[job, scale]} queries"
            )
        ratio = medians[job, 10] / medians[job, 1]
        print(f"{job:<36} {' | '.join(cells)} | ratio 10/1 {ratio:.2f}")
    for scale in SCALES:
        trivial = medians["trivial DRF view", scale]
        ratios = ", ".join(
            f"{mode} {medians[f'API list page_size 50{suffix}', scale] / trivial:.1f}"
            for mode, suffix in [("warm", ""), ("after a write", " after write"), ("cold", " cold")]
        )
        print(f"scale {scale}: API list page_size 50 / trivial DRF view: {ratios}")


def explain(use, clients, jobs, connection, CaptureQueriesContext) -> None:
    from projects.models import Project

    table = Project._meta.db_table
    extra = {
        "list page ?year=2025": ("page", jobs["list page (ministry)"][1], {"year": 2025}),
        "list page ?order=end": ("page", jobs["list page (ministry)"][1], {"order": "end"}),
        "API list ?year=2025": ("api", "/api/v1/projects/", {"year": 2025}),
        "API list ?ordering=-updated_at": ("api", "/api/v1/projects/", {"ordering": "-updated_at"}),
    }
    use(10)
    seq_scans = 0
    for job, (who, url, params) in {**jobs, **extra}.items():
        if job == "trivial DRF view":
            continue
        with CaptureQueriesContext(connection) as ctx:
            assert clients[10][who].get(url, params).status_code == 200, job
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or f'"{table}"' not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {sql}")
                plan = [row[0] for row in cursor.fetchall()]
            bad = [line for line in plan if re.search(rf"Seq Scan on {table}(?!\w)", line)]  # not *_partner_provinces
            seq_scans += bool(bad)
            print(f"== {job} {params or ''}: {sql[:150]}…")
            print("\n".join(f"   {line}" for line in plan))
    print(f"plans with a sequential scan of {table}: {seq_scans}")


if __name__ == "__main__":
    main()
