"""The reporting calendar (lịch báo cáo): period kinds, cut-off rules held as data, the periods generated
from them, and a province's exceptions to a closed data entry.

The tables keep the names they had when the calendar lived in `reports` (migrated state-only), so moving
the models lost no row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", _("quarter")
    HALF_YEAR = "half", _("6 months")
    NINE_MONTHS = "nine", _("9 months")
    YEAR = "year", _("year")


class CutoffRule(models.Model):
    """How a kind of period's data window is cut (thời gian chốt số liệu), from a date on.

    The window of period n ends on `end_day` of its last month and starts the day after the previous
    window's end (the 15th of the month before, for the Decree 09/2019 rules). Changing a rule means
    adding one with a later `valid_from`: periods already generated keep the dates they were given.
    """

    kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    end_day = models.PositiveSmallIntegerField(_("cut-off day of the month"), default=14)
    submission_days = models.PositiveSmallIntegerField(
        _("days after cut-off to submit"), default=5, help_text=_("Configurable: national deadlines are unconfirmed.")
    )
    entry_closes_days = models.PositiveSmallIntegerField(_("days after the deadline data entry closes"), default=10)
    valid_from = models.DateField(_("valid from"))
    legal_basis = models.CharField(_("legal basis"), max_length=120, blank=True)

    class Meta:
        db_table = "reports_cutoffrule"
        verbose_name = _("cut-off rule")
        verbose_name_plural = _("cut-off rules")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="cutoff_rule_unique_from"),
            models.CheckConstraint(condition=Q(end_day__gte=1, end_day__lte=28), name="cutoff_rule_day_in_month"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.valid_from:%d/%m/%Y})"


class ReportingPeriod(models.Model):
    """One reporting period (kỳ báo cáo) with its data window, submission deadline and entry close."""

    kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("Quarter 1-4; 1 for other kinds."))
    starts_on = models.DateField(_("data window starts"))
    ends_on = models.DateField(_("cut-off date"))
    deadline = models.DateField(_("submission deadline"))
    entry_closes_on = models.DateField(_("data entry closes"))

    class Meta:
        db_table = "reports_reportingperiod"
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-ends_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="period_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_window_ordered"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("ends_on")), name="period_deadline_after_cutoff"),
        ]
        # period_for_date: "which quarter's window holds this date"
        indexes = [models.Index(fields=["kind", "starts_on", "ends_on"], name="period_window_idx")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.QUARTER:
            return _("Quarter %(n)s/%(year)s") % {"n": self.number, "year": self.year}
        if self.kind == PeriodKind.HALF_YEAR:
            return _("First 6 months of %(year)s") % {"year": self.year}
        if self.kind == PeriodKind.NINE_MONTHS:
            return _("First 9 months of %(year)s") % {"year": self.year}
        return _("Year %(year)s") % {"year": self.year}


class EntryException(models.Model):
    """A province's request to change a period's data after entry closed, and the ministry's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="entry_exceptions")
    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="entry_exceptions")
    reason = models.TextField(_("reason"))
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    open_until = models.DateField(_("entry open until"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        db_table = "reports_entryexception"
        verbose_name = _("data entry exception")
        verbose_name_plural = _("data entry exceptions")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.province} {self.period}: {self.get_decision_display()}"
