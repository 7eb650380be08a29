"""Periodic reports, their audit trail and reminders; the calendar they follow is `periods`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from khuyencong.text import vi_order
from periods.models import ReportingPeriod


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
        ordering = ["-period__ends_on", vi_order("province__name"), "-version"]
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
        return _("%(period)s · %(where)s · version %(n)s") % {"period": self.period, "where": where, "n": self.version}

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

    # What the history shows for each action (the stored code stays English, the page speaks the user's language).
    LABELS = {
        "generated": _("files generated"),
        "submitted": _("submitted to the ministry"),
        "accepted": _("accepted by the ministry"),
        "returned": _("returned for correction"),
        "new_version": _("new version started"),
    }

    def __str__(self) -> str:
        return f"{self.report_id} {self.action}"

    @property
    def action_label(self) -> str:
        return self.LABELS.get(self.action, self.action)
