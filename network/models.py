"""The khuyến công collaborator network (mạng lưới cộng tác viên khuyến công) down to the commune.

A province's extension centre contracts collaborators, each for one or more of today's communes; they meet
quarterly, keep the list of the communes' rural industrial establishments (projects.Beneficiary, by commune)
and gather needs and difficulties, some of which become proposed projects (đề án).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from khuyencong.text import vi_order


class Collaborator(models.Model):
    """A person under contract with a province's extension centre for some communes (cộng tác viên)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        ENDED = "ended", _("contract ended")

    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="collaborators")
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(
        _("position"), max_length=160, blank=True, help_text=_("E.g. commune official, economic staff.")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    communes = models.ManyToManyField("provinces.Commune", related_name="collaborators", verbose_name=_("communes"))
    contract_start = models.DateField(_("contract start"))
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    monthly_fee = models.DecimalField(_("monthly fee (VND)"), max_digits=18, decimal_places=0, default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collaborator_profile",
        verbose_name=_("account"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collaborator")
        verbose_name_plural = _("collaborators")
        ordering = [vi_order("full_name"), "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fee__gte=0), name="collaborator_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(contract_end__isnull=True) | Q(contract_end__gte=F("contract_start")),
                name="collaborator_contract_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Meeting(models.Model):
    """A meeting of a province's collaborators (họp giao ban, usually quarterly)."""

    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="collaborator_meetings")
    held_on = models.DateField(_("date"))
    attendees = models.ManyToManyField(Collaborator, related_name="meetings", verbose_name=_("attendees"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collaborator meeting")
        verbose_name_plural = _("collaborator meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.province} {self.held_on:%d/%m/%Y}"


class Need(models.Model):
    """A need or difficulty gathered in a commune (nhu cầu, khó khăn); it may become a proposed project."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PROPOSED = "proposed", _("became a proposed project")
        CLOSED = "closed", _("closed")

    province = models.ForeignKey("provinces.Province", on_delete=models.PROTECT, related_name="collaborator_needs")
    commune = models.ForeignKey("provinces.Commune", on_delete=models.PROTECT, related_name="needs")
    collaborator = models.ForeignKey(
        Collaborator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("gathered by"),
    )
    establishment = models.ForeignKey(
        "projects.Beneficiary", on_delete=models.PROTECT, null=True, blank=True, related_name="needs"
    )
    gathered_on = models.DateField(_("gathered on"))
    description = models.TextField(_("need or difficulty"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The project it became; the project reaches its needs back through `network_needs`.
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_needs",
        verbose_name=_("proposed project"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-gathered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="proposed") | Q(project__isnull=False), name="need_proposed_has_project"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]
