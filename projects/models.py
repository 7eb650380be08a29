"""Extension projects (đề án khuyến công), their plans, money over time, progress and attachments."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khuyencong.text import vi_order


def money_field(verbose_name, **kwargs):
    """Whole VND: 18 digits, no fraction. Never a float."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=0, **kwargs)


class Fund(models.TextChoices):
    NATIONAL = "national", _("national fund (KCQG)")
    LOCAL = "local", _("local fund (KCĐP)")


class Programme(models.Model):
    """A national extension programme period, e.g. 2021–2025 (Decision 1881/QĐ-TTg)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=255)
    decision = models.CharField(_("decision"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["start_year"]
        constraints = [models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="programme_years")]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A province's planned extension budget for one year and fund (kế hoạch / dự toán giao)."""

    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    fund = models.CharField(_("fund"), max_length=10, choices=Fund.choices)
    planned_amount = money_field(_("planned amount (VND)"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", vi_order("province__name"), "fund"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "fund"], name="plan_unique_province_year_fund"),
            models.CheckConstraint(condition=Q(planned_amount__gte=0), name="plan_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year} {self.get_fund_display()}"


class NationalPlanRegistration(models.Model):
    """A province's registration of next year's national-fund projects with the ministry."""

    class Status(models.TextChoices):
        NOT_REGISTERED = "none", _("not registered")
        REGISTERED = "registered", _("registered")
        LATE = "late", _("registered late")

    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="registrations")
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_REGISTERED)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    project_count = models.PositiveIntegerField(_("projects registered"), default=0)
    requested_amount = money_field(_("support requested (VND)"), default=0)

    class Meta:
        verbose_name = _("national plan registration")
        verbose_name_plural = _("national plan registrations")
        constraints = [
            models.UniqueConstraint(fields=["province", "plan_year"], name="registration_unique"),
            models.CheckConstraint(condition=Q(requested_amount__gte=0), name="registration_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.province} → {self.plan_year}: {self.get_status_display()}"


class Beneficiary(models.Model):
    """A rural industrial establishment (cơ sở công nghiệp nông thôn), one record per establishment."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("enterprise")
        COOPERATIVE = "cooperative", _("cooperative")
        HOUSEHOLD = "household", _("household business")
        CRAFT_VILLAGE = "village", _("craft village")
        ARTISAN = "artisan", _("artisan")

    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    commune = models.ForeignKey("provinces.Commune", on_delete=models.PROTECT, null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Decree 235/2025: establishments owned by women or by people of an ethnic minority come first.
    women_owned = models.BooleanField(_("owned or run by a woman"), default=False)
    ethnic_minority_owned = models.BooleanField(_("owned by an ethnic minority person"), default=False)
    # Establishments without a tax code are matched by folded name (and commune, kind): indexed.
    name_folded = models.CharField(max_length=255, editable=False, default="", db_index=True)

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        ordering = [vi_order("name")]
        constraints = [
            models.UniqueConstraint(fields=["tax_code"], condition=~Q(tax_code=""), name="beneficiary_tax_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})" if self.tax_code else self.name


class Status(models.TextChoices):
    """The life of a project (domain README: sequence from practice)."""

    PROPOSED = "proposed", _("proposed")
    REGISTERED = "registered", _("registered")
    APPRAISED = "appraised", _("appraised")
    APPROVED = "approved", _("approved")
    IN_PROGRESS = "in_progress", _("in progress")
    ADJUSTING = "adjusting", _("adjustment awaiting approval")
    ACCEPTED = "accepted", _("accepted")
    CLOSED = "closed", _("contract closed")
    SETTLED = "settled", _("settled")
    DONE = "done", _("done")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class Project(models.Model):
    """An extension project (đề án khuyến công): the unit of funding."""

    Status = Status

    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("project title"), max_length=500)
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("The province as it was when the project was approved."),
    )
    implementing_unit = models.ForeignKey(
        "provinces.Unit", verbose_name=_("implementing unit"), on_delete=models.PROTECT, related_name="projects"
    )
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    fund = models.CharField(_("fund"), max_length=10, choices=Fund.choices)
    activity = models.ForeignKey(
        "provinces.ActivityContent",
        verbose_name=_("activity content"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    beneficiaries = models.ManyToManyField(
        Beneficiary, verbose_name=_("beneficiaries"), blank=True, related_name="projects"
    )
    location = models.CharField(_("location"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "provinces.Commune", verbose_name=_("commune"), on_delete=models.PROTECT, null=True, blank=True
    )
    former_commune_name = models.CharField(
        _("former commune name"),
        max_length=255,
        blank=True,
        help_text=_("The commune or district as named before the July 2025 reorganisation, for older projects."),
    )
    partner_provinces = models.ManyToManyField(
        "provinces.Province",
        verbose_name=_("partner provinces (regional linkage)"),
        blank=True,
        related_name="partner_projects",
        help_text=_("Provinces linked by the project (liên kết vùng): they see it, read-only."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_pilot = models.BooleanField(_("pilot project (đề án điểm)"), default=False)
    is_group = models.BooleanField(_("group project"), default=False)
    is_inter_provincial = models.BooleanField(_("inter-provincial or regional"), default=False)
    approved_support = money_field(_("state support (VND)"))
    counterpart = money_field(_("counterpart funds (VND)"), default=0)
    other_sources = money_field(_("other sources (VND)"), default=0)
    total_cost = models.GeneratedField(
        expression=F("approved_support") + F("counterpart") + F("other_sources"),
        output_field=models.DecimalField(max_digits=19, decimal_places=0),
        db_persist=True,
        verbose_name=_("total cost (VND)"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    status_before_adjustment = models.CharField(max_length=12, choices=Status.choices, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save: stale edits are refused.")
    )
    search_text = models.TextField(
        editable=False, default="", help_text="Lower-case, unaccented code, title, beneficiaries."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "total_cost"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-plan_year", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="project_ends_after_start"),
            models.CheckConstraint(
                condition=Q(approved_support__gte=0, counterpart__gte=0, other_sources__gte=0),
                name="project_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(plan_year__gte=2000, plan_year__lte=2100), name="project_plan_year_sane"
            ),
        ]
        indexes = [
            # dashboards: sums per province, year and fund
            models.Index(fields=["province", "plan_year", "fund"], name="project_province_year_fund"),
            # project list filters by status and year
            models.Index(fields=["status", "plan_year"], name="project_status_year"),
            # the list's default order (page and API): newest plan year first, then code; scanned backwards
            # for ?order=year. Without it the page sorted every project in scope to return 50 rows.
            models.Index(fields=["-plan_year", "code"], name="project_list_order"),
            # a provincial officer's list: their provinces, in the default order
            models.Index(fields=["province", "-plan_year", "code"], name="project_province_order"),
            # the other orders the page and the API offer (the unique code has its own index)
            models.Index(fields=["end_date"], name="project_end_date"),
            models.Index(fields=["start_date"], name="project_start_date"),
            models.Index(fields=["approved_support"], name="project_support"),
            models.Index(fields=["title"], name="project_title"),
            models.Index(fields=["updated_at"], name="project_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ProjectTransition(models.Model):
    """A step in a project's life: who moved it, when, why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=12, choices=Status.choices)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project transition")
        verbose_name_plural = _("project transitions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.from_status} → {self.to_status}"


class ProjectAdjustment(models.Model):
    """A change to an approved project's figures or dates (điều chỉnh, gia hạn), awaiting approval.

    `changes` maps field name to [old, new] as strings, so the approver sees old → new.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="adjustments")
    changes = models.JSONField(_("changes"))
    reason = models.TextField(_("reason"))
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("project adjustment")
        verbose_name_plural = _("project adjustments")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(decision="pending"), name="adjustment_one_pending_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {', '.join(self.changes)} ({self.get_decision_display()})"


class MoneyEntry(models.Model):
    """Money moving on a project on a date: an advance, a disbursement or a settlement.

    Entries are never edited or deleted. A wrong one is reversed by a correcting entry (bút toán điều chỉnh):
    a negative amount of the same kind and date, linked to the entry it corrects, with the reason. Totals are
    plain sums, so they and the ceiling check count corrections without knowing about them.
    """

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("advance (tạm ứng)")
        DISBURSEMENT = "disbursement", _("disbursement (giải ngân)")
        SETTLEMENT = "settlement", _("settlement (quyết toán)")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="money_entries")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = money_field(_("amount (VND)"))
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects entry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    reason = models.TextField(_("reason for the correction"), blank=True)
    # Set by the entry grid for each typed amount: a save resent after a lost answer records it once.
    entry_key = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("money entry")
        verbose_name_plural = _("money entries")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(corrects__isnull=True, amount__gt=0) | Q(corrects__isnull=False, amount__lt=0),
                name="money_entry_sign",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(reason=""), name="money_correction_has_reason"
            ),
            models.UniqueConstraint(
                fields=["project", "entry_key"], condition=~Q(entry_key=""), name="money_entry_key_unique"
            ),
        ]
        # disbursed by a cut-off: sums per kind over a date window
        indexes = [
            models.Index(fields=["kind", "date"], name="money_kind_date"),
            # a project's totals per kind up to a date (the lists' advanced/disbursed/settled columns)
            models.Index(fields=["project", "kind", "date"], name="money_project_kind_date"),
        ]

    def __str__(self) -> str:
        text = f"{self.project.code} {self.get_kind_display()} {self.amount} {self.date}"
        correction = _("correction")  # outside the f-string: xgettext does not look inside one
        return f"{text} ({correction} #{self.corrects_id})" if self.corrects_id else text

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None


class RollupBucket(models.Model):
    """What both roll-ups hold for a bucket: province, plan year, fund, kind and quarter window, the amount
    and how many entries (corrections included) it sums."""

    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="+")
    plan_year = models.PositiveSmallIntegerField()
    fund = models.CharField(max_length=10, choices=Fund.choices)
    kind = models.CharField(max_length=12, choices=MoneyEntry.Kind.choices)
    window_year = models.PositiveSmallIntegerField()
    window_number = models.PositiveSmallIntegerField()
    amount = money_field(_("amount (VND)"))
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.province_id} {self.plan_year} {self.fund} {self.kind} Q{self.window_number}/{self.window_year}"


class MoneyRollup(RollupBucket):
    """Money entries summed per province, plan year, fund, activity content, kind and quarter window (bảng
    tổng hợp số liệu): what the dashboards and the reports' figures read instead of every entry.

    Kept by `projects/rollup.py` in the same transaction as each write that moves money: an entry saved or
    deleted (corrections included), a project whose province, plan year, fund or activity changes, a change
    of the cut-off rules (the buckets move). `manage.py rollup_rebuild` recomputes it from the entries (and
    `--check` only compares). The window is the reporting quarter (by the cut-off rules) whose data window
    holds the entry's date; the figures read it only where the windows they sum are whole quarters of this
    calendar, and sum the entries otherwise (reports/figures.py).
    """

    activity = models.ForeignKey("provinces.ActivityContent", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("money roll-up row")
        verbose_name_plural = _("money roll-up")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "plan_year", "fund", "activity", "kind", "window_year", "window_number"],
                name="money_rollup_key",
            ),
            models.CheckConstraint(condition=Q(window_number__gte=1, window_number__lte=4), name="rollup_quarter"),
        ]
        # the figures: one kind over provinces and years
        indexes = [models.Index(fields=["kind", "plan_year", "province"], name="rollup_kind_year_province")]


class FundRollup(RollupBucket):
    """The money roll-up without the activity content (tổng hợp theo nguồn vốn): per province, plan year, fund,
    kind and quarter window, the sum of the `MoneyRollup` rows of those keys. The dashboards' money figures read
    it: MoneyRollup keeps a row per activity content as well, about six times as many rows to sum, and their
    number grows with the projects; this table's is bounded by provinces × years × funds × quarters.

    Kept by `projects/rollup.py` with the same amounts in the same transaction as MoneyRollup, rebuilt with it;
    `rollup.differences()` checks both against the entries.
    """

    class Meta:
        verbose_name = _("money roll-up row by fund")
        verbose_name_plural = _("money roll-up by fund")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "plan_year", "fund", "kind", "window_year", "window_number"], name="fund_rollup_key"
            ),
            models.CheckConstraint(condition=Q(window_number__gte=1, window_number__lte=4), name="fund_rollup_quarter"),
        ]
        indexes = [models.Index(fields=["kind", "plan_year", "province"], name="fund_rollup_kind_year_province")]


class ProgressUpdate(models.Model):
    """A project's progress for one reporting period (tiến độ): completion, narrative, difficulties."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_updates")
    period = models.ForeignKey("periods.ReportingPeriod", on_delete=models.PROTECT, related_name="progress_updates")
    completion_percent = models.DecimalField(
        _("physical completion (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("0 to 100, one decimal at most (37,5)."),
    )
    narrative = models.TextField(_("progress"), blank=True)
    difficulties = models.TextField(_("difficulties and obstacles"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-period__ends_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], name="progress_one_per_period"),
            models.CheckConstraint(condition=Q(completion_percent__lte=100), name="progress_percent_max_100"),
            models.CheckConstraint(condition=Q(completion_percent__gte=0), name="progress_percent_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period}: {self.completion_percent}%"


def attachment_path(instance, filename):
    return f"projects/{instance.project_id}/{instance.sha256[:2]}/{instance.sha256}{instance.extension}"


class Attachment(models.Model):
    """A file on a project: outline, decisions, acceptance minutes, photos, invoices. Served only through
    a checked view."""

    class Kind(models.TextChoices):
        OUTLINE = "outline", _("project outline (thuyết minh)")
        SUBMISSION = "submission", _("submission (tờ trình)")
        DECISION = "decision", _("decision or contract")
        ACCEPTANCE = "acceptance", _("acceptance minutes")
        PHOTO = "photo", _("photo")
        INVOICE = "invoice", _("invoice")
        OTHER = "other", _("other document")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    progress_update = models.ForeignKey(
        ProgressUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ProjectDecision(models.Model):
    """A decision or document of the project's life (quyết định, hợp đồng, biên bản): number, date, signer, file."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("approval decision")
        CONTRACT = "contract", _("contract")
        ASSIGNMENT = "assignment", _("assignment decision")
        ACCEPTANCE = "acceptance", _("acceptance record (nghiệm thu)")
        LIQUIDATION = "liquidation", _("contract liquidation")
        SETTLEMENT = "settlement", _("settlement (quyết toán)")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=60)
    date = models.DateField(_("date"))
    signer = models.CharField(_("signed by"), max_length=255, blank=True)
    attachment = models.ForeignKey(
        Attachment, verbose_name=_("file"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project decision")
        verbose_name_plural = _("project decisions")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "number"], name="decision_number_unique"),
            models.CheckConstraint(condition=~Q(number=""), name="decision_has_number"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.date:%d/%m/%Y})"


class SupportCeiling(models.Model):
    """The most state support the law allows for one activity content (mức hỗ trợ tối đa), as data.

    National fund: the ministry's circular (28/2018/TT-BCT as amended by 64/2024/TT-BCT), province empty.
    Local fund: a province's People's Council resolution, entered by that province's approver. Each row is
    in force from `valid_from` to `valid_to` (inclusive); an empty limit means "not known: no check".
    """

    fund = models.CharField(_("fund"), max_length=10, choices=Fund.choices)
    province = models.ForeignKey(
        "provinces.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_ceilings",
        help_text=_("Empty for the national fund."),
    )
    activity = models.ForeignKey(
        "provinces.ActivityContent", verbose_name=_("activity content"), on_delete=models.PROTECT
    )
    variant = models.CharField(
        _("case"), max_length=120, blank=True, help_text=_("e.g. a technology line, when the text sets its own limit.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    max_share = models.DecimalField(
        _("maximum share of the cost (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    max_amount = money_field(_("maximum amount (VND)"), null=True, blank=True)
    max_advance_share = models.DecimalField(
        _("maximum advances (per cent of the support)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support ceiling")
        verbose_name_plural = _("support ceilings")
        ordering = ["fund", "activity__code", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fund="national", province__isnull=True) | Q(fund="local", province__isnull=False),
                name="ceiling_national_has_no_province",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="ceiling_dates"
            ),
            models.CheckConstraint(
                condition=(Q(max_share__isnull=True) | Q(max_share__gt=0, max_share__lte=100))
                & (Q(max_advance_share__isnull=True) | Q(max_advance_share__gt=0, max_advance_share__lte=100))
                & (Q(max_amount__isnull=True) | Q(max_amount__gt=0)),
                name="ceiling_limits_sane",
            ),
            models.UniqueConstraint(
                fields=["fund", "province", "activity", "variant", "valid_from"],
                nulls_distinct=False,
                name="ceiling_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} {self.variant} · {self.legal_basis}".replace("  ", " ")


class BackgroundImport(models.Model):
    """What every spreadsheet read by a Celery task keeps while the officer waits: whose it is, how far the
    check has gone, the errors by sheet, row and column, and when it finished. Each kind adds its own status
    words and result."""

    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # sheet, row, column, message: as the page shows them
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)  # each kind's Status

    @property
    def percent_done(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0


def grid_import_path(instance, filename):
    return f"grid-imports/{instance.created_by_id}/{instance.period_id}/{filename}"


class GridImport(BackgroundImport):
    """An uploaded period spreadsheet too large to be read while the officer waits: checked and saved by a
    Celery task (projects.tasks.grid_import_run), all or nothing, with its progress and result kept here."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        CHECKING = "checking", _("checking the rows")
        SAVING = "saving", _("saving")
        DONE = "done", _("saved")
        REFUSED = "refused", _("refused: nothing saved")
        FAILED = "failed", _("failed")

    period = models.ForeignKey("periods.ReportingPeriod", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=grid_import_path)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    saved = models.PositiveIntegerField(default=0)

    class Meta(BackgroundImport.Meta):
        verbose_name = _("period spreadsheet import")
        verbose_name_plural = _("period spreadsheet imports")
        constraints = [
            models.CheckConstraint(condition=Q(rows_done__lte=F("rows_total")), name="grid_import_progress_bounded"),
        ]


def project_import_path(instance, filename):
    return f"project-imports/{instance.created_by_id}/{filename}"


class ProjectImport(BackgroundImport):
    """A project workbook too large to be read while the officer waits: checked and written by a Celery task
    (projects.tasks.project_import_run), all or nothing, with its progress and result kept here. The file is
    kept until the task has finished with it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        CHECKING = "checking", _("checking the rows")
        SAVING = "saving", _("saving")
        DONE = "done", _("imported")
        REFUSED = "refused", _("refused: nothing imported")
        FAILED = "failed", _("failed")

    file = models.FileField(upload_to=project_import_path, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(default=dict, blank=True)  # created, updated (already present), money

    class Meta(BackgroundImport.Meta):
        verbose_name = _("project workbook import")
        verbose_name_plural = _("project workbook imports")
        constraints = [
            models.CheckConstraint(condition=Q(rows_done__lte=F("rows_total")), name="project_import_progress_bounded"),
        ]
