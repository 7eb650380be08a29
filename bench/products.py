"""Benchmark of the head judge's score summary (and the Excel export) of a 400-entry, 11-judge round.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_i16_products .venv/bin/python bench/products.py

Use a database of your own: it is migrated, reference data and selection rules are loaded, and the bench
round (a Tây Ninh round of 2099) is built once and reused. Prints the size, then the seconds for the
summary selector, the summary page and the workbook (median of BENCH_REPEAT runs) with their query counts.
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
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "400"))
JUDGES = int(os.environ.get("BENCH_JUDGES", "11"))
YEAR = 2099


def timed(function) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(times), queries


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database of your own (it is migrated and filled).")
    from common import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from products import selectors, services
    from products.models import Round
    from products.tests import factories
    from provinces import services as province_services
    from provinces.models import User

    call_command("migrate", verbosity=0)
    province_services.reference_load()
    services.rules_load()
    officer = User.objects.filter(username="bench.products").first()
    tay_ninh = factories.province(80)
    if officer is None:
        officer = factories.make_user("bench.products", tay_ninh)
    round_ = Round.objects.filter(level="province", year=YEAR, province=tay_ninh).first()
    if round_ is None or round_.entries.count() != ENTRIES or round_.judges.count() != JUDGES:
        if round_ is not None:
            sys.exit(f"A {YEAR} Tây Ninh round of another size exists; use a fresh database.")
        started = time.perf_counter()
        round_ = factories.big_round(by=officer, prov=tay_ninh, entries=ENTRIES, judges=JUDGES, year=YEAR)
        print(f"built the round in {time.perf_counter() - started:.1f} s")
    sheets = sum(1 for _ in round_.entries.values_list("sheets"))
    print(f"round: {round_.entries.count()} entries, {round_.judges.count()} judges, {sheets} sheets")
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.force_login(officer)
        client.get(f"/products/{round_.pk}/summary/")
        selector, q1 = timed(lambda: selectors.score_summary(user=officer, round_=round_))
        page, q2 = timed(lambda: client.get(f"/products/{round_.pk}/summary/"))
        export, q3 = timed(lambda: client.get(f"/products/{round_.pk}/export.xlsx"))
    print(f"score summary (selector): {selector:.3f} s, {q1} queries")
    print(f"summary page: {page:.3f} s, {q2} queries")
    print(f"results and scores workbook: {export:.3f} s, {q3} queries")


if __name__ == "__main__":
    main()
