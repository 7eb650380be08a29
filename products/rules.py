"""Date rules of the selection, each computed from data (SelectionRule, PublicHoliday), never constants."""

import datetime

from products.models import PublicHoliday, SelectionRule


def rule_in_force(day: datetime.date) -> SelectionRule | None:
    """The selection rule that governs a round held on a day."""
    return (
        SelectionRule.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .prefetch_related("blocks", "council_sizes")
        .order_by("-valid_from")
        .first()
    )


def certificate_valid_until(*, issued_on: datetime.date, years: int) -> datetime.date:
    """31 December of the last year, counting the issue year as the first (June 2022, 3 years → 31/12/2024)."""
    return datetime.date(issued_on.year + years - 1, 12, 31)


def add_working_days(start: datetime.date, days: int, holidays: set[datetime.date] | None = None) -> datetime.date:
    """The day that ends a window of `days` working days counted from the day after `start`.

    Saturdays, Sundays and public holidays do not count. With days=0 the window ends on `start` itself.
    """
    if holidays is None:
        end_guess = start + datetime.timedelta(days=days * 2 + 30)
        holidays = set(PublicHoliday.objects.filter(day__gt=start, day__lte=end_guess).values_list("day", flat=True))
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day
