"""The money roll-ups (`MoneyRollup`, and `FundRollup` without the activity content): kept in step with the
money entries in the same transaction, both with the same amounts at every step below.

Every path that moves money goes through the model layer, so the roll-up is kept there rather than in each
service: the receivers below run for the services, the imports, the grid and the admin alike.

- an entry saved: its amount is added to its bucket (one upsert that reads the project's province, plan
  year, fund and activity from the database, so an unsaved change of the project in memory cannot skew
  it); an entry changed (only the admin can): the old values come out first; an entry deleted: it comes out;
- a project saved whose province, plan year, fund or activity changed (approval into the plan year's
  province, an edit of a draft, the admin): its entries move from the old key to the new one;
- a cut-off rule added, changed or removed: the buckets themselves move, so the whole table is rebuilt.

Bulk writes that bypass the model (the demo seeder's bulk_create and raw deletes) call `rebuild()` in
their transaction. `differences()` compares both tables with a fresh computation: `manage.py
rollup_rebuild --check` and the tests use it.

A bucket is the reporting quarter whose data window (by the cut-off rules, `Calendar.quarter_containing`)
holds the entry's date; an amount dated after the December cut-off sits in the next year's first quarter,
under its own plan year.
"""

import datetime
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Max, Min, Sum, Value, When
from django.db.models.signals import post_delete, post_save, pre_save

from periods import selectors as period_selectors
from periods.models import CutoffRule, PeriodKind
from periods.rules import Calendar
from projects.models import FundRollup, MoneyEntry, MoneyRollup, Project

KEY_FIELDS = ("province_id", "plan_year", "fund", "activity_id")
FUND_KEY_FIELDS = KEY_FIELDS[:3]  # FundRollup: the same buckets, every activity content together
TABLES = ((MoneyRollup, KEY_FIELDS), (FundRollup, FUND_KEY_FIELDS))  # both get every amount
_suspended = 0  # > 0 inside `suspended()`: bulk writes that rebuild at the end


# ---- writing ---------------------------------------------------------------------------------------------


def _upsert_sql(model, fields: tuple[str, ...]) -> str:
    table = model._meta.db_table
    project = Project._meta.db_table
    key = ", ".join((*fields, "kind", "window_year", "window_number"))
    # One statement, the same on PostgreSQL and SQLite: the project's key read from its row, and concurrent
    # writes to one bucket serialised by the unique key (ON CONFLICT takes the row's lock).
    # Table and column names come from the models' meta and the key tuples; every value is a parameter.
    return (
        f"INSERT INTO {table} ({key}, amount, entries) "  # noqa: S608
        f"SELECT {', '.join(f'p.{f}' for f in fields)}, %s, %s, %s, %s, %s FROM {project} p "
        f"WHERE p.id = %s "
        f"ON CONFLICT ({key}) DO UPDATE SET amount = {table}.amount + excluded.amount, "
        f"entries = {table}.entries + excluded.entries"
    )


def _remove_sql(model, fields: tuple[str, ...]) -> str:
    table = model._meta.db_table
    project = Project._meta.db_table
    return (
        f"UPDATE {table} SET amount = amount - %s, entries = entries - %s "  # noqa: S608 (as above)
        f"WHERE ({', '.join(fields)}) = "
        f"(SELECT {', '.join(f'p.{f}' for f in fields)} FROM {project} p WHERE p.id = %s) "
        f"AND kind = %s AND window_year = %s AND window_number = %s"
    )


def _drop_empty() -> None:
    """A bucket left with no entry is not kept (a rebuild would not make it)."""
    for model, _fields in TABLES:
        model.objects.filter(entries=0).delete()


def _add(*, project_id: int, kind: str, day: datetime.date, amount: Decimal, count: int, cal: Calendar) -> None:
    """Add an entry to its bucket (count 1), or take one out (count -1: an entry edited or deleted)."""
    year, number = cal.quarter_containing(day)
    with connection.cursor() as cursor:
        for model, fields in TABLES:
            if count > 0:
                cursor.execute(_upsert_sql(model, fields), [kind, year, number, amount, count, project_id])
            else:  # the bucket exists: the entry was added to it
                cursor.execute(_remove_sql(model, fields), [-amount, -count, project_id, kind, year, number])
    if count < 0:
        _drop_empty()


def _key_of(project_id: int) -> tuple | None:
    return Project.objects.filter(pk=project_id).values_list(*KEY_FIELDS).first()


def _on_entry_pre_save(sender, instance: MoneyEntry, raw=False, **kwargs) -> None:
    instance._rollup_before = None
    if instance.pk is not None and not raw and not _suspended:  # an edit (only the admin edits entries)
        instance._rollup_before = (
            MoneyEntry.objects.filter(pk=instance.pk).values_list("project_id", "kind", "date", "amount").first()
        )


def _on_entry_saved(sender, instance: MoneyEntry, created: bool, raw=False, **kwargs) -> None:
    if raw or _suspended:
        return
    cal = period_selectors.calendar()
    before = getattr(instance, "_rollup_before", None)
    if before is not None:
        project_id, kind, day, amount = before
        _add(project_id=project_id, kind=kind, day=day, amount=-amount, count=-1, cal=cal)
    _add(
        project_id=instance.project_id, kind=instance.kind, day=instance.date, amount=instance.amount, count=1, cal=cal
    )


def _on_entry_deleted(sender, instance: MoneyEntry, **kwargs) -> None:
    if _suspended:
        return
    cal = period_selectors.calendar()
    _add(
        project_id=instance.project_id,
        kind=instance.kind,
        day=instance.date,
        amount=-instance.amount,
        count=-1,
        cal=cal,
    )


def _on_project_pre_save(sender, instance: Project, raw=False, **kwargs) -> None:
    instance._rollup_key_before = None
    if instance.pk is not None and not raw and not _suspended:
        instance._rollup_key_before = _key_of(instance.pk)


def _on_project_saved(sender, instance: Project, raw=False, **kwargs) -> None:
    before = getattr(instance, "_rollup_key_before", None)
    if raw or _suspended or before is None or before == tuple(getattr(instance, f) for f in KEY_FIELDS):
        return
    # The project's money leaves its old bucket keys and joins the new ones: subtract what it contributed
    # under the old key (its entries, grouped), then add the same under the key now stored.
    groups = list(
        MoneyEntry.objects.filter(project_id=instance.pk)
        .values_list("kind", "date")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    )
    if not groups:
        return
    cal = period_selectors.calendar()
    old = dict(zip(KEY_FIELDS, before, strict=True))
    by_bucket: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    for kind, day, total, n in groups:
        bucket = by_bucket[(kind, *cal.quarter_containing(day))]
        bucket[0] += total
        bucket[1] += n
    with connection.cursor() as cursor:
        for (kind, year, number), (total, n) in by_bucket.items():
            for model, fields in TABLES:
                where = " AND ".join(f"{f} = %s" for f in fields)
                cursor.execute(  # table and column names from the model's meta and the key; values are parameters
                    f"UPDATE {model._meta.db_table} SET amount = amount - %s, entries = entries - %s "  # noqa: S608
                    f"WHERE {where} AND kind = %s AND window_year = %s AND window_number = %s",
                    [total, n, *(old[f] for f in fields), kind, year, number],
                )
                cursor.execute(_upsert_sql(model, fields), [kind, year, number, total, n, instance.pk])
    _drop_empty()


def _on_rules_changed(sender, raw=False, **kwargs) -> None:
    if not raw and not _suspended:
        rebuild()


def connect() -> None:
    """Called once from ProjectsConfig.ready."""
    pre_save.connect(_on_entry_pre_save, sender=MoneyEntry, dispatch_uid="rollup_entry_pre")
    post_save.connect(_on_entry_saved, sender=MoneyEntry, dispatch_uid="rollup_entry_saved")
    post_delete.connect(_on_entry_deleted, sender=MoneyEntry, dispatch_uid="rollup_entry_deleted")
    pre_save.connect(_on_project_pre_save, sender=Project, dispatch_uid="rollup_project_pre")
    post_save.connect(_on_project_saved, sender=Project, dispatch_uid="rollup_project_saved")
    post_save.connect(_on_rules_changed, sender=CutoffRule, dispatch_uid="rollup_rules_saved")
    post_delete.connect(_on_rules_changed, sender=CutoffRule, dispatch_uid="rollup_rules_deleted")


@contextmanager
def suspended():
    """Bulk writes (the demo seeder): the receivers stand aside, and the table is rebuilt once at the end,
    in the same transaction."""
    global _suspended
    with transaction.atomic():
        _suspended += 1
        try:
            yield
        finally:
            _suspended -= 1
        rebuild()


# ---- computing from the entries --------------------------------------------------------------------------


def computed(cal: Calendar | None = None, *, entry_model=MoneyEntry) -> dict[tuple, tuple[Decimal, int]]:
    """The roll-up as the entries give it now: key → (amount, entries), in two queries. The bucket of each
    date is worked out in the database by a CASE over the quarter windows of the years the entries span.
    `entry_model`: a migration passes its historical model."""
    cal = cal or period_selectors.calendar()
    span = entry_model.objects.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return {}
    whens = [
        When(date__gte=w.starts_on, date__lte=w.ends_on, then=Value(w.year * 10 + w.number))
        for year in range(span["first"].year, span["last"].year + 2)
        for w in (cal.window(PeriodKind.QUARTER, year, n) for n in (1, 2, 3, 4))
    ]
    rows = (
        entry_model.objects.annotate(bucket=Case(*whens, output_field=IntegerField()))
        .values_list(*(f"project__{f}" for f in KEY_FIELDS), "kind", "bucket")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    )
    result: dict[tuple, tuple[Decimal, int]] = {}
    for province_id, plan_year, fund, activity_id, kind, bucket, total, n in rows:
        key = (province_id, plan_year, fund, activity_id, kind, bucket // 10, bucket % 10)
        result[key] = (total, n)
    return result


def by_fund(fine: dict[tuple, tuple[Decimal, int]]) -> dict[tuple, tuple[Decimal, int]]:
    """MoneyRollup's keys and sums → FundRollup's: every activity content of a bucket together."""
    result: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    for (province_id, plan_year, fund, _activity_id, kind, year, number), (amount, n) in fine.items():
        bucket = result[(province_id, plan_year, fund, kind, year, number)]
        bucket[0] += amount
        bucket[1] += n
    return {key: (amount, n) for key, (amount, n) in result.items()}


def stored(model=MoneyRollup, fields=KEY_FIELDS) -> dict[tuple, tuple[Decimal, int]]:
    rows = model.objects.values_list(*fields, "kind", "window_year", "window_number", "amount", "entries")
    width = len(fields) + 3
    return {row[:width]: (row[width], row[width + 1]) for row in rows}


def differences() -> dict[tuple, tuple]:
    """Keys where the tables and a fresh computation disagree: key → (stored, computed), FundRollup's keys
    marked "by fund"; empty when both are in step."""
    want = computed()
    pairs = [((), stored(), want), (("by fund",), stored(FundRollup, FUND_KEY_FIELDS), by_fund(want))]
    return {
        (*mark, *key): (have.get(key), wanted.get(key))
        for mark, have, wanted in pairs
        for key in have.keys() | wanted.keys()
        if have.get(key) != wanted.get(key)
    }


@transaction.atomic
def rebuild(
    *, cal: Calendar | None = None, entry_model=MoneyEntry, rollup_model=MoneyRollup, fund_model=FundRollup
) -> int:
    """Replace both tables by a fresh computation from the entries; returns MoneyRollup's number of rows. A
    migration passes its historical models and calendar (fund_model None: a migration before that table)."""
    fine = computed(cal, entry_model=entry_model)
    _replace(rollup_model, KEY_FIELDS, fine)
    if fund_model is not None:
        _replace(fund_model, FUND_KEY_FIELDS, by_fund(fine))
    return len(fine)


def _replace(model, fields: tuple[str, ...], sums: dict[tuple, tuple[Decimal, int]]) -> None:
    names = (*fields, "kind", "window_year", "window_number")
    model.objects.all().delete()
    model.objects.bulk_create(
        [model(**dict(zip(names, key, strict=True)), amount=amount, entries=n) for key, (amount, n) in sums.items()],
        batch_size=2000,
    )
