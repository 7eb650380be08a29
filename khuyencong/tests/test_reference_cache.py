"""Reference data (the calendar's rules and stored periods, the region's provinces) cached under a version of
its own (khuyencong/cachekeys.py): an officer's entry leaves it cached, a write of such a row does not."""

import datetime

import pytest

from khuyencong import cachekeys
from periods import selectors as period_selectors
from periods import services as period_services
from periods.models import CutoffRule, PeriodKind
from provinces import selectors as province_selectors
from provinces.models import Province

pytestmark = pytest.mark.django_db
D = datetime.date


def quarter_day(cal) -> int:
    return cal.rule_for(PeriodKind.QUARTER, D(2027, 3, 1)).end_day


def test_the_calendar_is_read_once_and_a_data_write_leaves_it_cached(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    period_selectors.calendar()
    with django_assert_num_queries(0):
        period_selectors.calendar()
    version = cachekeys.version()
    with django_capture_on_commit_callbacks(execute=True):
        cachekeys.bump()  # what a money entry, a progress report or a project change does
    assert cachekeys.version() > version  # the figures are stale…
    with django_assert_num_queries(0):
        period_selectors.calendar()  # …the calendar is not


def test_a_rule_written_is_read_by_its_own_transaction_at_once_and_by_everyone_after_the_commit(
    django_capture_on_commit_callbacks,
):
    assert quarter_day(period_selectors.calendar()) == 14  # Decree 09/2019: the 14th
    version = cachekeys.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        CutoffRule.objects.create(kind=PeriodKind.QUARTER, end_day=20, valid_from=D(2027, 1, 1))
        assert quarter_day(period_selectors.calendar()) == 20  # read fresh: the write is not committed yet
    assert any(isinstance(c, cachekeys._ReferenceBump) for c in callbacks)  # noqa: SLF001 - the signal's bump
    assert quarter_day(period_selectors.calendar()) == 20  # committed: the cached calendar is stale
    assert cachekeys.version() > version  # and so are the figures computed from it


def test_a_rule_deleted_is_seen_too(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rule = CutoffRule.objects.create(kind=PeriodKind.QUARTER, end_day=20, valid_from=D(2027, 1, 1))
    assert quarter_day(period_selectors.calendar()) == 20
    with django_capture_on_commit_callbacks(execute=True):
        rule.delete()
    assert quarter_day(period_selectors.calendar()) == 14


def test_a_period_stored_is_in_the_stored_periods_at_once(django_capture_on_commit_callbacks):
    assert ("year", 2027, 1) not in period_selectors.stored_periods(years=[2026, 2027])
    with django_capture_on_commit_callbacks(execute=True):
        stored = period_services.period_get_or_create(kind=PeriodKind.YEAR, year=2027)
    assert period_selectors.stored_periods(years=[2026, 2027])[("year", 2027, 1)].pk == stored.pk


def test_a_province_renamed_is_seen_in_the_region_memberships(
    reference_data, commit_bumps, django_assert_num_queries, django_capture_on_commit_callbacks
):
    def names() -> set[str]:
        return {m.province.name for m in province_selectors.region_memberships()}

    commit_bumps()  # the reference data loaded, as committed
    assert "Tây Ninh" in names()
    with django_assert_num_queries(0):
        assert "Tây Ninh" in names()
    province = Province.objects.get(name="Tây Ninh", valid_to__isnull=True)
    province.name = "Tây Ninh (đổi tên thử)"
    with django_capture_on_commit_callbacks(execute=True):
        province.save()
    renamed = {m.province.name for m in province_selectors.region_memberships() if m.province.pk == province.pk}
    assert renamed == {"Tây Ninh (đổi tên thử)"}


def test_a_rolled_back_rule_changes_nothing(django_assert_num_queries):
    from django.db import transaction

    period_selectors.calendar()
    with pytest.raises(RuntimeError), transaction.atomic():
        CutoffRule.objects.create(kind=PeriodKind.QUARTER, end_day=20, valid_from=D(2027, 1, 1))
        raise RuntimeError
    with django_assert_num_queries(0):
        assert quarter_day(period_selectors.calendar()) == 14


def test_an_officers_scope_is_read_from_the_cached_merger_and_a_merger_saved_is_seen(
    tayninh_officer, commit_bumps, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Every provincial request reads its scope (the province and those merged into it): from the cache, with
    no query, until a province is saved; then a province merged into Tây Ninh is in its officers' scope."""
    commit_bumps()
    before = province_selectors.province_ids_in_scope(user=tayninh_officer)
    with django_assert_num_queries(0):
        assert province_selectors.province_ids_in_scope(user=tayninh_officer) == before
    tayninh = tayninh_officer.unit.province
    with django_capture_on_commit_callbacks(execute=True):
        extra = Province.objects.create(
            code=999, code_set=2004, name="Tỉnh thử", kind="province", valid_from=D(2004, 1, 1), successor=tayninh
        )
    assert province_selectors.province_ids_in_scope(user=tayninh_officer) == before | {extra.pk}
    assert province_selectors.successor_chain_ids(province_id=extra.pk) == {extra.pk, tayninh.pk}


def test_no_code_writes_reference_rows_around_the_signals():
    """QuerySet.update, bulk_create and bulk_update send no post_save: a reference row written that way would
    leave the cached calendar or provinces stale. The portal's code writes them through save() and delete()."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    models = "Province|Region|RegionMembership|ActivityContent|CutoffRule|ReportingPeriod"
    pattern = re.compile(rf"\b({models})\.objects\b[^\n]*\.(update|bulk_create|bulk_update)\(")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.glob("*/**/*.py")
        if not {".venv", "node_modules", "tests", "migrations"} & set(path.relative_to(root).parts)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
    assert pattern.search('Province.objects.filter(pk=1).update(name="x")')  # the check can see one
