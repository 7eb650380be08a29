"""Benchmark of the "Kỳ này" grid: its render time at 25, 100 and 300 rows, and the time of one cell save.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_i13_grid .venv/bin/python bench/grid.py
    DATABASE_URL=… .venv/bin/python bench/grid.py --skip-seed        # data already seeded (seed_demo --scale 10)

Use a database of your own: the script migrates it and, unless --skip-seed, replaces its demo rows with
`seed_demo --scale 10`. For PostgreSQL it creates the database when missing.

Prints, per row count: the median time (over --repeat renders) of building the rows (one query for the rows
and their money, one for this period's progress, one for the latest earlier progress) and of rendering the page
with them (projects.grid_html writes the rows), and the queries of building. The rows are the first N projects
due in the current quarter across the region (so 300 exist at scale 10), as Tây Ninh's demo officer sees them.
Then the full page for that officer (their own rows) through Django's test client, and one cell save
(POST of a completion percentage, JSON answer) repeated --repeat times. The saves write progress rows for the
officer's first project in the current quarter: run it on a bench database only.
"""

import argparse
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
SIZES = (25, 100, 300)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-seed", action="store_true", help="keep the data already in the database")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    return parser.parse_args()


class Counter:
    """Counts the SQL statements run while installed (connection.execute_wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database of your own (it is migrated and may be reseeded).")
    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import translation

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    if not args.skip_seed:
        started = time.perf_counter()
        call_command("seed_demo", scale=args.scale, seed=1, stdout=sys.stdout)
        print(f"seed_demo --scale {args.scale}: {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics: a just-seeded database otherwise gets poor plans

    from projects import entry_periods, grid, grid_html
    from projects.models import Project
    from provinces import services as province_services
    from provinces.models import User

    province_services.demo_accounts_create()
    officer = User.objects.get(username="tayninh.canbo")
    ministry = User.objects.get(username="bo.khuyencong")
    period = entry_periods.current_period()
    state = entry_periods.state_of(period, province_id=officer.unit.province_id)
    states = entry_periods.periods_for(province_id=officer.unit.province_id)
    print(f"database: {connection.vendor}, projects: {Project.objects.count():,}, period: {period.label}")
    translation.activate("vi")
    request = RequestFactory().get(reverse("projects:this_period"))
    request.user = officer

    print(f"{'rows':>5} {'build rows':>11} {'render':>9} {'total':>9} {'queries':>8}")
    for size in SIZES:
        queryset = grid.rows_queryset(user=ministry, period=period)

        def build(queryset=queryset, size=size):
            return grid.build_rows(queryset[:size])

        with CaptureQueriesContext(connection) as queries:
            rows = build()
        if len(rows) < size:
            print(f"{size:>5} only {len(rows)} projects are due in {period.label}: seed a larger scale")
            continue
        build_time, rows = timed(build, args.repeat)
        for row in rows:
            row.state, row.state_text = grid.row_state(row, state)
        context = {
            "state": state,
            "states": states,
            "period": period,
            "rows": rows,
            "counts": grid.counters(rows),
            "missing_text": grid.missing_text(grid.counters(rows)["missing"]),
            "may_enter": True,
            "labels": grid.LABELS,
            "period_key": entry_periods.period_key(period),
        }

        def render(context=context, rows=rows):  # the rows' HTML and the page around it, as the view does
            context["rows_html"] = grid_html.render_rows(rows)
            return render_to_string("projects/grid.html", context, request)

        render_time, html = timed(render, args.repeat)
        assert html.count('class="grid-row') == size
        print(
            f"{size:>5} {build_time * 1000:>9.1f} ms {render_time * 1000:>6.1f} ms "
            f"{(build_time + render_time) * 1000:>6.1f} ms {len(queries):>8}"
        )

    setup_test_environment()  # the test client then hands back the page's context (its rows)
    client = Client()
    client.force_login(officer)
    url = reverse("projects:this_period")
    client.get(url)  # the first visit of a quarter generates its periods
    counter = Counter()
    with connection.execute_wrapper(counter):
        response = client.get(url)
    own_rows = len(response.context["rows"])
    page_time, _response = timed(lambda: client.get(url), args.repeat)
    print(f"full page for {officer.username}: {own_rows} rows, {page_time * 1000:.1f} ms, {counter.count} queries")

    row = response.context["rows"][0] if own_rows else None
    if row is None:
        print("no row to save: the officer has no project due in this period")
        return
    save_url = reverse("projects:grid_row_save", args=[entry_periods.period_key(period), row.pk])
    version = {"value": row.version}
    percents = iter(range(1, 1000))

    def save():
        answer = client.post(
            save_url,
            {
                "sections": "progress",
                f"r{row.pk}-version": version["value"],
                f"r{row.pk}-percent": f"{next(percents)},5",
            },
        )
        body = answer.json()
        assert answer.status_code == 200, body
        version["value"] = body["row"]["version"]
        return answer

    save_time, _answer = timed(save, args.repeat)
    with CaptureQueriesContext(connection) as queries:
        save()
    print(
        f"one cell save (completion %, JSON answer with the page's counters): {save_time * 1000:.1f} ms, "
        f"{len(queries)} queries"
    )


if __name__ == "__main__":
    main()
