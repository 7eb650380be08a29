"""The implementation record (đánh giá năng lực thực hiện): its measures' weights and thresholds, as data.

The record is the portal's own internal measure, built from what the portal knows; no legal scheme ranks
provinces, and the pages say so.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Measure(models.Model):
    """One figure of the record with its weight, and the values at which it earns no points and full points
    (linear in between, clamped): `zero_at` above `full_at` makes lower better (projects behind schedule)."""

    class Code(models.TextChoices):
        FINISHED_ON_TIME = "finished_on_time", _("Projects finished by their end date")
        BEHIND_SCHEDULE = "behind_schedule", _("Projects behind schedule")
        REPORTS_ON_TIME = "reports_on_time", _("Periodic reports on time")
        PROGRESS_COMPLETE = "progress_complete", _("Progress entered per quarter")
        EXECUTION_PACE = "execution_pace", _("Execution against the year elapsed")
        SETTLED_ON_TIME = "settled_on_time", _("Settlements by 22 January")
        REGISTERED_ON_TIME = "registered_on_time", _("National-plan registration on time")

    code = models.CharField(_("figure"), max_length=24, choices=Code.choices, unique=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    full_at = models.DecimalField(_("full points at (%)"), max_digits=6, decimal_places=2, default=Decimal(100))
    zero_at = models.DecimalField(_("no points at (%)"), max_digits=6, decimal_places=2, default=Decimal(0))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("record measure")
        verbose_name_plural = _("record measures")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="measure_weight_not_negative"),
            models.CheckConstraint(condition=~Q(full_at=F("zero_at")), name="measure_thresholds_differ"),
        ]

    def __str__(self) -> str:
        return str(self.get_code_display())


# The defaults loaded by the migration and `measures_load` (the portal's choice, to be tuned by the ministry).
DEFAULTS = [
    (Measure.Code.FINISHED_ON_TIME, 20, 100, 0),
    (Measure.Code.BEHIND_SCHEDULE, 15, 0, 50),
    (Measure.Code.REPORTS_ON_TIME, 20, 100, 0),
    (Measure.Code.PROGRESS_COMPLETE, 15, 100, 0),
    (Measure.Code.EXECUTION_PACE, 15, 100, 0),
    (Measure.Code.SETTLED_ON_TIME, 10, 100, 0),
    (Measure.Code.REGISTERED_ON_TIME, 5, 100, 0),
]
