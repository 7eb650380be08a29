"""Selection of typical rural industrial products (bình chọn sản phẩm công nghiệp nông thôn tiêu biểu).

Rounds at commune, province, region and national level; their council and judging panel; entries with
dossiers; each judge's score sheet; the council's selection; recognition decisions and certificates;
complaints; certified establishments' yearly reports.

Every figure a later circular may change (the score blocks, the threshold, council sizes, how long a
certificate lasts, complaint windows, photos required) lives in SelectionRule rows with a validity period,
loaded from products/data/rules.json, never in code.
"""

import datetime
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 5, "decimal_places": 2}


class Level(models.TextChoices):
    """Cấp bình chọn. The commune level replaced the district level from 1 July 2025 (38/2025/TT-BCT)."""

    COMMUNE = "commune", _("commune")
    PROVINCE = "province", _("province")
    REGION = "region", _("region")
    NATIONAL = "national", _("national")


# The order rounds go up: an entry recognised at one level may be sent to the next.
LEVEL_ORDER = [Level.COMMUNE, Level.PROVINCE, Level.REGION, Level.NATIONAL]
# Which fund pays a round (local fund at commune and province level, national fund above).
LEVEL_FUND = {Level.COMMUNE: "local", Level.PROVINCE: "local", Level.REGION: "national", Level.NATIONAL: "national"}


def next_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class ProductGroup(models.TextChoices):
    """The four product groups of the circular."""

    HANDICRAFT = "handicraft", _("handicrafts")
    FOOD = "food", _("processed agricultural, forestry and aquatic products and food")
    MACHINERY = "machinery", _("equipment, machinery, tools and mechanical parts")
    OTHER = "other", _("other products")


class SelectionRule(models.Model):
    """The rules in force for rounds held in a period (circular 26/2014/TT-BCT and its amendments)."""

    legal_basis = models.CharField(_("legal basis"), max_length=255)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    threshold = models.DecimalField(_("threshold (mean points)"), **POINTS)
    certificate_years = models.PositiveSmallIntegerField(
        _("certificate valid for (calendar years, counting the issue year)")
    )
    complaint_working_days = models.PositiveSmallIntegerField(_("complaint window (working days after results)"))
    resolution_working_days = models.PositiveSmallIntegerField(_("complaint resolution (working days)"))
    min_photos = models.PositiveSmallIntegerField(_("photos required in a dossier"))
    panel_must_be_odd = models.BooleanField(_("judging panel must be odd"), default=True)
    disagreement_points = models.DecimalField(
        _("spread between judges flagged as wide (points)"),
        help_text=_("The portal's own warning level, not a figure of the circular."),
        **POINTS,
    )
    annual_report_due_days = models.PositiveSmallIntegerField(
        _("annual report due (days after 31 December)"),
        default=31,
        help_text=_(
            "A certified establishment reports on each year of validity by this many days into the next year. "
            "The circular sets no date: 31 (31 January) is the portal's default, to be confirmed."
        ),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("selection rule")
        verbose_name_plural = _("selection rules")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="selection_rule_unique_start"),
            models.CheckConstraint(condition=Q(threshold__gt=0), name="selection_rule_threshold_positive"),
            models.CheckConstraint(condition=Q(certificate_years__gte=1), name="selection_rule_certificate_years"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="selection_rule_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_basis} ({self.valid_from:%d/%m/%Y})"


class RuleBlock(models.Model):
    """A block of the score sheet and its maximum (the 2014 sheet: 40, 40, 10, 10)."""

    rule = models.ForeignKey(SelectionRule, on_delete=models.CASCADE, related_name="blocks")
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=20)
    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)
    max_points = models.DecimalField(_("maximum points"), **POINTS)

    class Meta:
        ordering = ["rule", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "code"], name="rule_block_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="rule_block_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.max_points})"


class CouncilSize(models.Model):
    """How many members a council may have at a level (e.g. province: 7 or 9), and the panel's minimum."""

    rule = models.ForeignKey(SelectionRule, on_delete=models.CASCADE, related_name="council_sizes")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    council_sizes = models.JSONField(_("allowed council sizes"))
    panel_min = models.PositiveSmallIntegerField(_("smallest judging panel"), default=3)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "level"], name="council_size_unique_level")]

    def __str__(self) -> str:
        return f"{self.level}: {self.council_sizes}"


class PublicHoliday(models.Model):
    """A day off nationwide (ngày nghỉ lễ, Tết, and days moved to join them): working days skip these."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"


class Round(models.Model):
    """One selection round (đợt bình chọn) at a level, for an area and a year."""

    class Status(models.TextChoices):
        REGISTRATION = "registration", _("registration open")
        JUDGING = "judging", _("judging")
        DECIDED = "decided", _("council has decided")
        RECOGNISED = "recognised", _("results recognised")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    province = models.ForeignKey(
        "provinces.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="product_rounds",
        help_text=_("Commune and province rounds: the province, as it was in the round's year."),
    )
    commune = models.ForeignKey("provinces.Commune", on_delete=models.PROTECT, null=True, blank=True)
    region = models.ForeignKey("provinces.Region", on_delete=models.PROTECT, null=True, blank=True)
    host_province = models.ForeignKey(
        "provinces.Province", on_delete=models.PROTECT, null=True, blank=True, related_name="hosted_product_rounds"
    )
    organiser = models.ForeignKey("provinces.Unit", on_delete=models.PROTECT, related_name="product_rounds")
    rule = models.ForeignKey(SelectionRule, on_delete=models.PROTECT, related_name="rounds")
    threshold = models.DecimalField(_("threshold (mean points)"), **POINTS)
    registration_deadline = models.DateField(_("registration deadline"))
    judging_starts = models.DateField(_("judging starts"))
    judging_ends = models.DateField(_("judging ends"))
    results_on = models.DateField(_("results notified on"), null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="product_rounds",
        help_text=_("The extension project (đề án) that pays for the round."),
    )
    feeds = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fed_by",
        help_text=_("The next-level round this round sends entries to."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTRATION)
    recognised_count = models.PositiveIntegerField(_("entries the council recognises"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")
        ordering = ["-year", "level", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level="commune", province__isnull=False, commune__isnull=False, region__isnull=True)
                    | Q(level="province", province__isnull=False, commune__isnull=True, region__isnull=True)
                    | Q(level="region", province__isnull=True, commune__isnull=True, region__isnull=False)
                    | Q(level="national", province__isnull=True, commune__isnull=True, region__isnull=True)
                ),
                name="round_area_fits_level",
            ),
            models.CheckConstraint(condition=Q(threshold__gt=0, threshold__lte=1000), name="round_threshold_in_range"),
            models.CheckConstraint(
                condition=Q(judging_ends__gte=F("judging_starts")), name="round_judging_dates_in_order"
            ),
            models.UniqueConstraint(
                fields=["level", "year", "province"], condition=Q(level="province"), name="round_one_per_province_year"
            ),
            models.UniqueConstraint(
                fields=["level", "year", "commune"], condition=Q(level="commune"), name="round_one_per_commune_year"
            ),
            models.UniqueConstraint(
                fields=["level", "year", "region"], condition=Q(level="region"), name="round_one_per_region_year"
            ),
            models.UniqueConstraint(fields=["year"], condition=Q(level="national"), name="round_one_national_per_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_local(self) -> bool:
        return self.level in (Level.COMMUNE, Level.PROVINCE)


class RoundBlock(models.Model):
    """A block of this round's score sheet, copied from the rule in force when the round was set up."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="blocks")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=20)
    name_vi = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255)
    max_points = models.DecimalField(**POINTS)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="round_block_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="round_block_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.max_points})"

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_vi


class Criterion(models.Model):
    """What a judge scores: a whole block, or a band within it (khung điểm chi tiết) set for the round."""

    block = models.ForeignKey(RoundBlock, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    max_points = models.DecimalField(_("maximum points"), **POINTS)

    class Meta:
        ordering = ["block__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["block", "order"], name="criterion_unique_order"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.max_points})"

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_vi


class CouncilMember(models.Model):
    """A member of the selection council (hội đồng bình chọn)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice-chair")
        MEMBER = "member", _("member")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="council")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round"], condition=Q(role="chair"), name="council_one_chair"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role})"


class Judge(models.Model):
    """A member of the judging panel (ban giám khảo): scores alone, answers for their marks."""

    class Role(models.TextChoices):
        HEAD = "head", _("head judge")
        DEPUTY = "deputy", _("deputy head judge")
        MEMBER = "member", _("judge")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judging")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)

    class Meta:
        ordering = ["round", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="judge_once_per_round"),
            models.UniqueConstraint(fields=["round"], condition=Q(role="head"), name="judge_one_head"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Entry(models.Model):
    """A product or a set of products an establishment enters in a round (sản phẩm dự bình chọn)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        ELIGIBLE = "eligible", _("eligible")
        INELIGIBLE = "ineligible", _("not eligible")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="entries")
    province = models.ForeignKey(
        "provinces.Province",
        on_delete=models.PROTECT,
        related_name="product_entries",
        help_text=_("The province that files the entry, as it was then."),
    )
    beneficiary = models.ForeignKey("projects.Beneficiary", on_delete=models.PROTECT, related_name="product_entries")
    code = models.CharField(_("selection code"), max_length=20)
    product_name = models.CharField(_("product"), max_length=255)
    is_set = models.BooleanField(_("a set of products"), default=False)
    set_items = models.TextField(_("items of the set"), blank=True)
    group = models.CharField(_("product group"), max_length=12, choices=ProductGroup.choices)
    description = models.TextField(_("description"), blank=True)
    received_on = models.DateField(_("dossier received on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    recognised = models.BooleanField(_("recognised"), default=False)
    promoted = models.BooleanField(_("sent to the next level"), default=False)
    source_entry = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="promoted_to"
    )
    lower_certificate = models.ForeignKey(
        "Certificate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    promotion = models.ForeignKey("Promotion", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["round", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="entry_code_unique_in_round"),
            models.CheckConstraint(
                condition=~Q(status="ineligible") | ~Q(refusal_reason=""), name="entry_refusal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(recognised=False) | Q(status="eligible"), name="entry_recognised_eligible"
            ),
            models.CheckConstraint(condition=Q(promoted=False) | Q(recognised=True), name="entry_promoted_recognised"),
            models.CheckConstraint(condition=Q(is_set=True) | Q(set_items=""), name="entry_items_only_for_sets"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.product_name}"


def dossier_path(instance, filename):
    return f"products/{instance.entry.round_id}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()[:8]}"


class DossierFile(models.Model):
    """A paper of an entry's dossier (hồ sơ), checked by its content when uploaded."""

    class Kind(models.TextChoices):
        REGISTRATION_FORM = "form", _("registration form")
        BUSINESS_REGISTRATION = "registration", _("business registration (copy)")
        DESCRIPTION = "description", _("product description")
        PHOTO = "photo", _("colour photo")
        CERTIFICATE = "certificate", _("quality or food-safety certificate")
        AWARD = "award", _("award")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(upload_to=dossier_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "kind", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Promotion(models.Model):
    """A batch of entries a lower level sends up, with its covering letter (công văn) and short list."""

    from_round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="promotions_out")
    to_round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="promotions_in")
    letter_number = models.CharField(_("covering letter number"), max_length=60)
    letter_date = models.DateField(_("covering letter date"))
    filed_on = models.DateField(_("filed on"))
    letter = models.FileField(_("covering letter"), upload_to="products/letters/")
    letter_content_type = models.CharField(max_length=100)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_round", "to_round"], name="promotion_once_per_round_pair"),
        ]

    def __str__(self) -> str:
        return self.letter_number


class ScoreSheet(models.Model):
    """One judge's sheet for one entry (phiếu chấm điểm). Editable until submitted, then final."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sheets")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="sheets")
    comment = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Sum of the marks, written by the service on submission: the summary averages these in the database.
    total = models.DecimalField(null=True, blank=True, max_digits=7, decimal_places=2)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="sheet_once_per_judge"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(total__isnull=False), name="sheet_submitted_has_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.judge_id}"


class Mark(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(**POINTS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="mark_once_per_criterion"),
            models.CheckConstraint(condition=Q(points__gte=0), name="mark_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class Recognition(models.Model):
    """The decision that approves a round's results (quyết định công nhận)."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="recognition")
    number = models.CharField(_("decision number"), max_length=60)
    signed_on = models.DateField(_("decision date"))
    signer_name = models.CharField(_("signed by"), max_length=120)
    signer_position = models.CharField(_("signer's position"), max_length=255)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.number


class Certificate(models.Model):
    """A numbered certificate (giấy chứng nhận), valid to 31 December of the rule's last year."""

    recognition = models.ForeignKey(Recognition, on_delete=models.PROTECT, related_name="certificates")
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="certificate")
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("certificate number"), max_length=80, unique=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["recognition", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["recognition", "serial"], name="certificate_serial_unique"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("issued_on")), name="certificate_dates_in_order"),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_reason=""), name="certificate_revocation_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def valid_on(self, day: datetime.date) -> bool:
        return self.issued_on <= day <= self.valid_until and (self.revoked_on is None or day < self.revoked_on)


class Complaint(models.Model):
    """A complaint about a round's results (khiếu nại), filed within the window after the results notice."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("upheld")
        DISMISSED = "dismissed", _("dismissed")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="complaints")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints")
    complainant = models.CharField(_("complainant"), max_length=255)
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("complaint"))
    resolve_by = models.DateField(_("to be resolved by"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["round", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True, outcome="") | (Q(resolved_on__isnull=False) & ~Q(outcome="")),
                name="complaint_resolution_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complainant} {self.received_on:%d/%m/%Y}"


class AnnualReport(models.Model):
    """A certified establishment's yearly report to the Sở Công Thương (support received, business)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    support_received = models.TextField(_("support received"), blank=True)
    support_amount = models.DecimalField(_("support received (VND)"), max_digits=18, decimal_places=0, default=0)
    revenue = models.DecimalField(_("revenue (VND)"), max_digits=18, decimal_places=0, null=True, blank=True)
    business_situation = models.TextField(_("business situation"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["certificate", "year"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "year"], name="annual_report_once_per_year"),
            models.CheckConstraint(condition=Q(support_amount__gte=0), name="annual_report_support_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.year}"
