"""The southern regional industrial-extension conference: the yearly series, its hosting handover,
delegations, documents, conclusions with provincial follow-up, quoted figures and recognitions."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from provinces.models import Province, Region, Unit

_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def to_roman(number: int) -> str:
    """12 → XII: conference numbers are written in Roman numerals (lần thứ XII)."""
    if number < 1:
        raise ValueError("Roman numerals start at 1")
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def from_roman(text: str) -> int:
    """XII → 12; the inverse of to_roman, strict (rejects IIII, VX and other non-canonical forms)."""
    text = text.strip().upper()
    values = {letters: value for value, letters in _ROMAN}
    total, i = 0, 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in values:
            total, i = total + values[pair], i + 2
        elif text[i] in values:
            total, i = total + values[text[i]], i + 1
        else:
            raise ValueError(f"not a Roman numeral: {text!r}")
    if total < 1 or to_roman(total) != text:
        raise ValueError(f"not a canonical Roman numeral: {text!r}")
    return total


def _random_name(folder: str, filename: str) -> str:
    """A random stored name with the extension of the detected type: user file names never reach disk."""
    return f"conferences/{folder}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


def document_upload_to(instance, filename: str) -> str:
    return _random_name("documents", filename)


def evidence_upload_to(instance, filename: str) -> str:
    return _random_name("evidence", filename)


class Conference(models.Model):
    """One yearly conference of a region's series, with its host province as the province was that year."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CLOSED = "closed", _("closed")

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="conferences")
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Stored as an integer, shown in Roman numerals.")
    )
    number_inferred = models.BooleanField(
        _("number inferred"), default=False, help_text=_("The number is not confirmed by a source.")
    )
    title = models.CharField(_("title"), max_length=255)
    host_province = models.ForeignKey(
        Province,
        verbose_name=_("host province"),
        on_delete=models.PROTECT,
        related_name="hosted_conferences",
        help_text=_("The province as it was in the conference year."),
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True, help_text=_("Town or city of the venue."))
    date = models.DateField(_("date"), null=True, blank=True)
    organiser = models.ForeignKey(
        Unit,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="organised_conferences",
        help_text=_("The ministry department that runs the conference; its name is shown as on the date."),
    )
    co_organisers = models.ManyToManyField(
        Unit, verbose_name=_("co-organising units"), blank=True, related_name="co_organised_conferences"
    )
    registration_deadline = models.DateTimeField(_("delegate registration deadline"), null=True, blank=True)
    discussion_summary = models.TextField(_("topics of the discussion"), blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    next_host = models.ForeignKey(
        Province,
        verbose_name=_("next host"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The province hosting was handed to at the close."),
    )
    handover_inferred = models.BooleanField(
        _("handover inferred"),
        default=False,
        help_text=_("The next host is known from the next conference; the handover itself is not documented."),
    )
    handover_note = models.CharField(_("handover note"), max_length=255, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # HOOK for the reports app: a frozen copy of the regional figures at the conference date, taken by
    # services.conference_figures_capture() from conferences.figures.regional_figures_on(). Empty until the
    # reports app provides its figures; never typed in by hand.
    regional_figures = models.JSONField(_("regional figures at the conference date"), null=True, blank=True)
    regional_figures_as_of = models.DateField(_("figures as of"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["-year"]
        constraints = [
            # one host per year per region
            models.UniqueConstraint(fields=["region", "year"], name="conference_one_per_region_year"),
            models.UniqueConstraint(fields=["region", "number"], name="conference_number_unique_in_region"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.roman}{'*' if self.number_inferred else ''} – {self.year}"

    @property
    def roman(self) -> str:
        return to_roman(self.number)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class CoChair(models.Model):
    """A person chairing the conference, with the position and unit they held then."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="co_chairs")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=255, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("co-chair")
        verbose_name_plural = _("co-chairs")
        ordering = ["conference", "order"]
        constraints = [models.UniqueConstraint(fields=["conference", "order"], name="cochair_order_unique")]

    def __str__(self) -> str:
        return self.full_name


class Participation(models.Model):
    """A province (as it was then), optionally one of its units, taking part in a conference."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participations")
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "province"], condition=Q(unit__isnull=True), name="participation_province_once"
            ),
            models.UniqueConstraint(fields=["conference", "province", "unit"], name="participation_unit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.province} @ {self.conference_id}"


class Delegate(models.Model):
    """A person a province registers to attend, before the registration deadline."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="delegates")
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=255)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True)
    organisation = models.CharField(
        _("other organisation"),
        max_length=255,
        blank=True,
        help_text=_("For delegates from an association or an enterprise rather than a state unit."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["conference", "province", "registered_at", "pk"]
        indexes = [
            # a province's delegates for one conference: the registration page and the count per province
            models.Index(fields=["conference", "province"], name="delegate_conf_province_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(organisation=""), name="delegate_has_unit_or_organisation"
            ),
            # One person once per province and conference (the service also compares case beyond ASCII).
            models.UniqueConstraint(
                Lower("full_name"), "conference", "province", name="delegate_unique_name_per_province"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def affiliation(self) -> str:
        return self.unit.name if self.unit_id else self.organisation


class Document(models.Model):
    """A conference document: the ministry's summary report, the agenda, or a province's discussion paper."""

    class Kind(models.TextChoices):
        SUMMARY_REPORT = "summary", _("summary report")
        AGENDA = "agenda", _("agenda")
        DISCUSSION_PAPER = "paper", _("discussion paper")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The province presenting a discussion paper."),
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, blank=True, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["conference", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="paper") | Q(province__isnull=False), name="document_paper_has_province"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuotedFigure(models.Model):
    """A figure as quoted at the conference, with its source: what was said then, not recomputed."""

    class Measure(models.TextChoices):
        PERCENT = "percent", _("percent")
        COUNT = "count", _("count")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="quoted_figures")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    label = models.CharField(_("label"), max_length=255)
    period = models.CharField(_("period"), max_length=60, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    out_of = models.DecimalField(_("out of"), max_digits=14, decimal_places=2, null=True, blank=True)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    source = models.CharField(_("source"), max_length=255)

    class Meta:
        verbose_name = _("figure quoted at the conference")
        verbose_name_plural = _("figures quoted at the conference")
        ordering = ["conference", "order"]
        constraints = [models.UniqueConstraint(fields=["conference", "order"], name="quotedfigure_order_unique")]

    def __str__(self) -> str:
        return self.label


class Conclusion(models.Model):
    """A task the conference set: for every province of the region on the conference date, or named ones."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="conclusions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True, help_text=_("Where the wording comes from."))
    for_all_provinces = models.BooleanField(_("for all provinces"), default=True)
    provinces = models.ManyToManyField(
        Province,
        verbose_name=_("named provinces"),
        blank=True,
        related_name="+",
        help_text=_("Only when the conclusion is not for all provinces."),
    )

    class Meta:
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")
        ordering = ["conference", "number"]
        constraints = [models.UniqueConstraint(fields=["conference", "number"], name="conclusion_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class ConclusionFollowUp(models.Model):
    """What one province reports it has done on one conclusion: one row per conclusion and province."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="follow_ups")
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_upload_to, blank=True, max_length=255)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    evidence_content_type = models.CharField(_("evidence content type"), max_length=100, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conclusion follow-up")
        verbose_name_plural = _("conclusion follow-ups")
        ordering = ["conclusion", "province"]
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "province"], name="followup_one_per_conclusion_province"),
        ]

    def __str__(self) -> str:
        return f"{self.conclusion} – {self.province}: {self.get_status_display()}"


class Recognition(models.Model):
    """An honour given at the conference (e.g. retired centre leaders), with names and units where known."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="recognitions")
    citation = models.CharField(_("citation"), max_length=255)
    full_name = models.CharField(_("full name"), max_length=120, blank=True)
    position = models.CharField(_("position"), max_length=255, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["conference", "pk"]

    def __str__(self) -> str:
        return self.full_name or self.citation
