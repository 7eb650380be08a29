import datetime

import pytest

from periods import selectors, services
from periods.models import CutoffRule, PeriodKind

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        (PeriodKind.QUARTER, 1, (D(2021, 12, 15), D(2022, 3, 14))),
        (PeriodKind.QUARTER, 2, (D(2022, 3, 15), D(2022, 6, 14))),
        (PeriodKind.QUARTER, 3, (D(2022, 6, 15), D(2022, 9, 14))),
        (PeriodKind.QUARTER, 4, (D(2022, 9, 15), D(2022, 12, 14))),
        (PeriodKind.HALF_YEAR, 1, (D(2021, 12, 15), D(2022, 6, 14))),
        (PeriodKind.NINE_MONTHS, 1, (D(2021, 12, 15), D(2022, 9, 14))),
        (PeriodKind.YEAR, 1, (D(2021, 12, 15), D(2022, 12, 14))),
    ],
)
def test_decree_09_windows_for_2022(db, kind, number, expected):
    assert tuple(selectors.window(kind, 2022, number)) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 12, 14), (2025, 4)),
        (D(2025, 12, 15), (2026, 1)),
        (D(2026, 1, 1), (2026, 1)),
        (D(2026, 3, 15), (2026, 2)),
        (D(2026, 11, 28), (2026, 4)),
    ],
)
def test_quarter_containing_crosses_the_year_boundary(db, day, expected):
    assert selectors.quarter_containing(day) == expected


def test_period_gets_deadline_from_the_rule_and_keeps_it(db):
    first = services.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=1)
    assert (first.starts_on, first.ends_on, first.deadline) == (D(2025, 12, 15), D(2026, 3, 14), D(2026, 3, 19))
    CutoffRule.objects.create(kind=PeriodKind.QUARTER, valid_from=D(2026, 1, 1), submission_days=2, entry_closes_days=3)
    again = services.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=1)
    assert again.pk == first.pk and again.deadline == D(2026, 3, 19)  # generated periods keep their dates
    second = services.period_get_or_create(kind=PeriodKind.QUARTER, year=2026, number=2)
    assert second.deadline == D(2026, 6, 16) and second.entry_closes_on == D(2026, 6, 19)
