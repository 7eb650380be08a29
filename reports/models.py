"""Reporting periods and their cut-off rules (Decree 09/2019/NĐ-CP windows), held as data."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class Report(models.Model):
    """A periodic report (báo cáo định kỳ): a province's, or the region's consolidated one.

    Workflow: draft → submitted → accepted, or returned (then a new version is drafted). The snapshot
    holds the figures the PDF shows; on submission it is frozen and never changes afterwards. The
    generation fields track the PDF/xlsx files: the row is the source of truth for the task queue.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        # "đã tiếp nhận": received by the ministry (a project's acceptance, "nghiệm thu", is another word)
        ACCEPTED = "accepted", pgettext_lazy("report status", "accepted")
        RETURNED = "returned", _("returned for correction")

    class Generation(models.TextChoices):
        IDLE = "idle", _("not generated")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being generated")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Empty for the regional consolidated report."),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    achievements = models.TextField(_("results achieved"), blank=True)
    difficulties = models.TextField(_("difficulties and obstacles"), blank=True)
    proposals = models.TextField(_("proposals and recommendations"), blank=True)
    edit_version = models.PositiveIntegerField(default=1)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    snapshot_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveSmallIntegerField(null=True, blank=True)
    xlsx = models.FileField(upload_to="reports/", blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    generation = models.CharField(max_length=10, choices=Generation.choices, default=Generation.IDLE)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-period__ends_on", "province__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "province", "version"],
                condition=Q(province__isnull=False),
                name="report_unique_province_period_version",
            ),
            models.UniqueConstraint(
                fields=["period", "version"], condition=Q(province__isnull=True), name="report_unique_regional_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(snapshot__isnull=False, submitted_at__isnull=False),
                name="report_submitted_has_snapshot",
            ),
        ]
        # the sweep: reports stuck in the queue
        indexes = [models.Index(fields=["generation", "queued_at"], name="report_generation_idx")]

    def __str__(self) -> str:
        where = self.province.name if self.province_id else _("Southern region")
        return f"{self.period} · {where} · v{self.version}"

    @property
    def is_regional(self) -> bool:
        return self.province_id is None

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class ReportEvent(models.Model):
    """The audit trail of a report: generated, submitted, accepted, returned (with the comment)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"


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
        verbose_name = _("data entry exception")
        verbose_name_plural = _("data entry exceptions")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.province} {self.period}: {self.get_decision_display()}"


class ReminderLog(models.Model):
    """One reminder sent about one report: the unique key makes a retried task send it once."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12)  # before, after, very_late
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "kind"], name="reminder_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
