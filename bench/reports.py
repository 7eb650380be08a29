"""Benchmark of periodic-report rendering: one provincial and the regional PDF, at demo scale 1 and 10.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kc_reports_bench .venv/bin/python bench/reports.py

Use a database of your own: it is migrated and its demo rows replaced (seed_demo). Prints, per scale, the
project count, the seconds to build the snapshot and to render the PDF and xlsx (median of a few runs),
the page count and the PDF's seconds per page. Then, for the same HTML, the portal's PDF door
(khuyencong.pdf.render: static-only fetcher, page count) against WeasyPrint's own render of it (HTML → PDF
with a plain base URL): the door should cost little, within 1.2× of the engine. Goal: a provincial
quarterly report in a few seconds, the regional one well under a minute at scale 10.
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
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def timed(function, repeat=REPEAT):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(report) -> dict:
    from weasyprint import HTML

    from khuyencong import pdf
    from reports import documents, snapshot

    snap_time, data = timed(lambda: snapshot.build(report))
    report.snapshot = data
    pdf_time, (pdf_bytes, pages) = timed(lambda: documents.report_pdf(report))
    xlsx_time, _ = timed(lambda: documents.report_xlsx(report))
    html = documents.report_html(report)
    base = pdf.static_dir().as_uri() + "/"
    door_time, _ = timed(lambda: pdf.render(html))
    engine_time, _ = timed(lambda: HTML(string=html, base_url=base).write_pdf())
    return {
        "snapshot": snap_time,
        "pdf": pdf_time,
        "xlsx": xlsx_time,
        "pages": pages,
        "kb": len(pdf_bytes) // 1024,
        "door": door_time,
        "engine": engine_time,
    }


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database of your own (it is migrated and reseeded).")
    from common import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Q

    from periods import services as period_services
    from periods.models import PeriodKind
    from projects import demo
    from projects.models import Project
    from provinces.models import Province
    from reports.models import Report

    call_command("migrate", verbosity=0)
    columns = ("scale", "projects", "report", "snapshot s", "pdf s", "xlsx s", "pages", "s/page", "KB")
    columns += ("door s", "engine s", "door/engine")
    print("{:>5} {:>9} {:<28} {:>10} {:>7} {:>7} {:>5} {:>6} {:>6} {:>7} {:>8} {:>11}".format(*columns))
    for scale in (1, 10):
        demo.demo_seed(scale=scale, seed=1)
        projects = Project.objects.count()
        period = period_services.period_get_or_create(kind=PeriodKind.QUARTER, year=2025, number=3)
        # Q3/2025: the busiest quarter in the demo, before the merger (the 20 provinces report)
        busiest = (
            Province.objects.filter(code_set=2004)
            .annotate(n=Count("projects", filter=Q(projects__plan_year=2025)))
            .order_by("-n")
            .first()
        )
        for label, province in [(f"province ({busiest.name})", busiest), ("region", None)]:
            report, _ = Report.objects.get_or_create(period=period, province=province, version=1)
            figures = measure(report)
            print(
                f"{scale:>5} {projects:>9} {label:<28} {figures['snapshot']:>10.2f} {figures['pdf']:>7.2f}"
                f" {figures['xlsx']:>7.2f} {figures['pages']:>5} {figures['pdf'] / figures['pages']:>6.2f}"
                f" {figures['kb']:>6} {figures['door']:>7.2f} {figures['engine']:>8.2f}"
                f" {figures['door'] / figures['engine']:>11.2f}"
            )


if __name__ == "__main__":
    main()
