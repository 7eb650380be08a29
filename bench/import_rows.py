"""What a background project import costs the worker: seconds and peak memory for a workbook of N valid rows.

    DATABASE_URL=postgres://…/kc_<branch>_b10 REDIS_URL=redis://127.0.0.1:6379/<n> \
        .venv/bin/python bench/import_rows.py 5000 50000 [--user cantho.canbo] [--tracemalloc] [--keep]

For each N a fresh child process builds a workbook of N project rows (the template's sheets and headers,
projects.excel_common's columns, written with openpyxl write_only), stores it as an upload would
(excel.project_import_start) and runs the task's code (excel.project_import_run), then prints the file's size,
the seconds to check and to save, the progress updates the job page saw, and the child's peak RSS (and, with
--tracemalloc, Python's own peak allocation; it slows the run down about twice). The import is rolled back
afterwards (its projects and beneficiaries deleted) unless --keep. Run it on your own copy of a bench database.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_workbook(n: int, *, province_code: int, code_set: int, prefix: str, activity: str = "KC03") -> bytes:
    """N valid project rows (every fifth with a beneficiary) under the template's headers, as a user fills it."""
    import datetime

    from openpyxl import Workbook

    from projects.excel_common import MONEY_COLUMNS, MONEY_SHEET, PROJECT_COLUMNS, PROJECT_SHEET

    book = Workbook(write_only=True)
    projects = book.create_sheet(PROJECT_SHEET)
    projects.append([column.header for column in PROJECT_COLUMNS])
    for i in range(n):
        row = {
            "code": f"{prefix}-{i:06d}",
            "title": f"Hỗ trợ ứng dụng máy móc thiết bị tiên tiến vào sản xuất số {i}",
            "province_code": province_code,
            "code_set": code_set,
            "plan_year": 2026,
            "fund": "KCĐP",
            "activity": activity,
            "start_date": datetime.date(2026, 2, 1),
            "end_date": datetime.date(2026, 10, 31),
            "approved_support": 100_000_000 + i,
            "counterpart": 50_000_000,
            "other_sources": 0,
            "location": f"Xã số {i % 97}",
            "beneficiary_name": f"HKD {prefix} số {i}" if i % 5 == 0 else None,
            "tax_code": None,
            "beneficiary_kind": "hộ kinh doanh" if i % 5 == 0 else None,
        }
        projects.append([row[column.key] for column in PROJECT_COLUMNS])
    book.create_sheet(MONEY_SHEET).append([column.header for column in MONEY_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def one(n: int, username: str, trace: bool, keep: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    import django

    django.setup()
    import tracemalloc

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from projects import excel, excel_import, tasks
    from projects.models import Beneficiary, Project, ProjectImport
    from provinces import selectors as province_selectors
    from provinces.models import User

    user = User.objects.get(username=username)
    province = province_selectors.user_province(user=user)
    started = time.perf_counter()
    prefix = f"B{int(time.time()) % 100000}"
    content = build_workbook(n, province_code=province.code, code_set=province.code_set, prefix=prefix)
    built = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    updates, stages = [], {}
    original = excel_import.import_workbook

    def watched(uploaded_file, *, by, on_progress, **kwargs):
        def report(stage, done, total):
            stages.setdefault(stage, time.perf_counter())
            updates.append((stage, done))
            on_progress(stage, done, total)

        return original(uploaded_file, by=by, on_progress=report, **kwargs)

    excel_import.import_workbook = watched
    tasks.project_import_run.delay = lambda *_args: None  # this process is the worker: run it below, timed
    before = Project.objects.count()
    # committed, as in production, so the progress written on the side connection is seen; cleaned up after
    job = excel.project_import_start(upload=SimpleUploadedFile("bench.xlsx", content), by=user)
    t0 = time.perf_counter()
    excel.project_import_run(import_id=job.pk)
    elapsed = time.perf_counter() - t0
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the clean-up below, which allocates
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    job = ProjectImport.objects.get(pk=job.pk)
    created = Project.objects.count() - before
    if not keep:
        with transaction.atomic():
            Project.objects.filter(code__startswith=f"{prefix}-").delete()
            Beneficiary.objects.filter(name__startswith=f"HKD {prefix} ").delete()
            job.delete()
    saving_at = stages.get("saving", t0 + elapsed)
    return {
        "rows": n,
        "file_mb": round(len(content) / 2**20, 2),
        "build_s": round(built, 1),
        "status": job.status,
        "errors": job.errors[:3],
        "created": created,
        "seconds": round(elapsed, 1),
        "check_s": round(saving_at - t0, 1),
        "save_s": round(t0 + elapsed - saving_at, 1),
        "progress_updates": {stage: sum(1 for s, _d in updates if s == stage) for stage in stages},
        "peak_rss_mb": round(peak_rss / 1024, 1),
        "rss_before_import_mb": round(rss_before / 1024, 1),
        "tracemalloc_peak_mb": round(traced / 2**20, 1) if traced else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", nargs="+", type=int)
    parser.add_argument("--user", default="cantho.canbo")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--keep", action="store_true", help="commit the imported projects")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.rows[0], args.user, args.tracemalloc, args.keep), ensure_ascii=False))
        return
    for n in args.rows:  # one child per N: ru_maxrss is the process's peak, it never goes down
        command = [sys.executable, __file__, str(n), "--one", "--user", args.user]
        command += ["--tracemalloc"] * args.tracemalloc + ["--keep"] * args.keep
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            print(result.stderr[-3000:], file=sys.stderr)
            continue
        print(result.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
