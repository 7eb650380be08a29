"""Support ceilings (mức hỗ trợ tối đa): the one check of state support and advances against the law.

Every door that fixes a project's support goes through `check`: creating and editing (through
`services.validate_project_data`, which the Excel import calls too), approving, deciding an adjustment, and
recording an advance. The limits themselves are data (`SupportCeiling`), in force between two dates:
the national fund's from the ministry's circular, a local fund's from its province's People's Council
resolution. Where no row is in force, or a row leaves a limit empty, nothing is checked.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from khuyencong import numbers
from projects.models import Fund, SupportCeiling
from provinces import selectors as province_selectors
from provinces.models import ActivityContent, Province

HUNDRED = Decimal(100)


def _resolution_provinces(province: Province, on: datetime.date) -> set[int]:
    """A local project answers to its own province's resolution and to that of the province it is on the
    day (after the 2025 merger, Long An's projects meet today's Tây Ninh resolution)."""
    return {province.pk, province_selectors.province_on(province, on=on).pk}


def in_force(*, fund: str, province: Province | None, activity: ActivityContent, on: datetime.date):
    """The ceiling rows that apply to a project of this fund, province and activity on a day."""
    rows = SupportCeiling.objects.filter(fund=fund, activity=activity, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )
    if fund == Fund.LOCAL:
        if province is None:
            return SupportCeiling.objects.none()
        rows = rows.filter(province_id__in=_resolution_provinces(province, on))
    return rows.order_by("pk")


_remembered: ContextVar[dict | None] = ContextVar("ceiling_rows", default=None)


@contextmanager
def rows_remembered() -> Iterator[None]:
    """Within this block the rows in force for each fund, province, activity and day are read once: the
    Excel import checks thousands of projects on a handful of activities (twice each: checked, then created)."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _rows_in_force(*, fund: str, province: Province | None, activity: ActivityContent, on: datetime.date) -> list:
    remembered = _remembered.get()
    key = (fund, province.pk if province else None, activity.pk, on)
    if remembered is not None and key in remembered:
        return remembered[key]
    rows = list(in_force(fund=fund, province=province, activity=activity, on=on).select_related("activity"))
    if remembered is not None:
        remembered[key] = rows
    return rows


def _loosest(rows, attribute: str):
    """Where a text sets limits for several cases (a machine, a technology line) and the project does not
    say which it is, the largest limit applies: the portal never refuses what the law may allow."""
    candidates = [row for row in rows if getattr(row, attribute) is not None]
    return max(candidates, key=lambda row: getattr(row, attribute)) if candidates else None


def _basis(row: SupportCeiling) -> str:
    return f"{row.legal_basis} ({row.variant})" if row.variant else row.legal_basis


def check(
    *,
    fund: str,
    province: Province | None,
    activity: ActivityContent,
    support: Decimal,
    total_cost: Decimal,
    on: datetime.date,
    advanced: Decimal = Decimal(0),
    support_field: str = "approved_support",
    advance_field: str = "approved_support",
) -> None:
    """Raise ValidationError, citing the rule, if the support or the advances exceed a ceiling in force on `on`.

    `advanced`: the total of advances (tạm ứng) including any being recorded. `support_field` and
    `advance_field` name the fields the messages attach to (the amount field when recording an advance).
    """
    rows = _rows_in_force(fund=fund, province=province, activity=activity, on=on)
    if not rows:
        return
    errors: dict[str, list[str]] = {}
    share_row = _loosest(rows, "max_share")
    if share_row is not None and total_cost > 0 and support * HUNDRED > share_row.max_share * total_cost:
        errors.setdefault(support_field, []).append(
            _(
                "State support of %(support)s is %(share)s of the total cost, above the %(max)s allowed for "
                "%(activity)s by %(basis)s."
            )
            % {
                "support": numbers.format_vnd(support),
                "share": numbers.format_percent(support * HUNDRED / total_cost),
                "max": numbers.format_percent(share_row.max_share),
                "activity": activity.code,
                "basis": _basis(share_row),
            }
        )
    amount_row = _loosest(rows, "max_amount")
    if amount_row is not None and support > amount_row.max_amount:
        errors.setdefault(support_field, []).append(
            _("State support of %(support)s is above the %(max)s allowed for %(activity)s by %(basis)s.")
            % {
                "support": numbers.format_vnd(support),
                "max": numbers.format_vnd(amount_row.max_amount),
                "activity": activity.code,
                "basis": _basis(amount_row),
            }
        )
    advance_row = _loosest(rows, "max_advance_share")
    if advance_row is not None and advanced * HUNDRED > advance_row.max_advance_share * support:
        errors.setdefault(advance_field, []).append(
            _("Advances of %(advanced)s would exceed %(share)s of the support (%(limit)s) allowed by %(basis)s.")
            % {
                "advanced": numbers.format_vnd(advanced),
                "share": numbers.format_percent(advance_row.max_advance_share),
                "limit": numbers.format_vnd((advance_row.max_advance_share * support / HUNDRED).quantize(Decimal(1))),
                "basis": _basis(advance_row),
            }
        )
    if errors:
        raise ValidationError(errors)
