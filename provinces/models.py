"""Reference data: dated provinces and their successors, regions, communes, units, activity contents,
and the people who work in those units (accounts with a role)."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from khuyencong.text import vi_order


class CodeSet(models.IntegerChoices):
    """Official administrative code sets: the same number can name different provinces in each."""

    CODES_2004 = 2004, _("2004 codes (before 1 July 2025)")
    CODES_2025 = 2025, _("2025 codes (from 1 July 2025)")


class Province(models.Model):
    """A province or centrally-run city (tỉnh / thành phố) as a dated administrative unit."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("centrally-run city")

    code = models.PositiveSmallIntegerField(_("code"))
    code_set = models.PositiveSmallIntegerField(_("code set"), choices=CodeSet.choices)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The province this one became part of at the reorganisation."),
    )
    subregion = models.CharField(_("subregion"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["-code_set", vi_order("name")]
        constraints = [
            models.UniqueConstraint(fields=["code", "code_set"], name="province_code_unique_in_code_set"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="province_valid_to_after_from",
            ),
            models.CheckConstraint(condition=~Q(successor=models.F("pk")), name="province_not_own_successor"),
        ]

    def __str__(self) -> str:
        if self.is_current:
            return self.name
        return _("%(name)s (until %(date)s)") % {"name": self.name, "date": self.valid_to.strftime("%m/%Y")}

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Region(models.Model):
    """A group of provinces the ministry works with together, e.g. the southern extension region."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class RegionMembership(models.Model):
    """A province belonging to a region for a period: membership is data with dates."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships")
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="region_memberships")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_inferred = models.BooleanField(_("inferred"), default=False, help_text=_("Not confirmed by a source."))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("region membership")
        verbose_name_plural = _("region memberships")
        constraints = [
            models.UniqueConstraint(fields=["region", "province", "valid_from"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province} ∈ {self.region}"


class Commune(models.Model):
    """A commune, ward or special zone (xã / phường / đặc khu) of a 2025 province."""

    code = models.PositiveIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("division type"), max_length=20)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes")

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = [vi_order("name")]

    def __str__(self) -> str:
        return f"{self.name}, {self.province.name}"


class Unit(models.Model):
    """An organisation (đơn vị): the ministry department, a Sở Công Thương or an extension centre."""

    class Kind(models.TextChoices):
        MINISTRY_DEPARTMENT = "ministry", _("ministry department")
        DEPARTMENT_OF_INDUSTRY_AND_TRADE = "doit", _("Department of Industry and Trade")
        EXTENSION_CENTRE = "centre", _("industrial extension centre")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, null=True, blank=True, related_name="units")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="ministry", province__isnull=True) | (~Q(kind="ministry") & Q(province__isnull=False)),
                name="unit_provincial_units_have_province",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def name_on(self, day: datetime.date) -> str:
        """The unit's name in force on a day: units are renamed (the ministry department was in 2025)."""
        names = sorted(self.names.all(), key=lambda n: n.valid_from)
        chosen = [n for n in names if n.valid_from <= day]
        return (chosen[-1] if chosen else names[0]).name if names else self.code

    @property
    def name(self) -> str:
        names = sorted(self.names.all(), key=lambda n: n.valid_from)
        return names[-1].name if names else self.code


class UnitName(models.Model):
    """A name a unit carried from a date: renames are history, not overwrites."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        verbose_name = _("unit name")
        verbose_name_plural = _("unit names")
        ordering = ["unit", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_name_unique_per_date")]

    def __str__(self) -> str:
        return self.name


class ActivityContent(models.Model):
    """An industrial-extension activity content (nội dung hoạt động khuyến công), grouped in six headings."""

    class Heading(models.IntegerChoices):
        TECHNOLOGY = 1, _("Demonstration models, technology transfer, machinery, cleaner production")
        PRODUCTS = 2, _("Rural industrial product development, fairs, brands")
        LINKAGES = 3, _("Linkages, value chains, industrial clusters")
        HUMAN_RESOURCES = 4, _("Training, management capacity, consulting")
        COMMUNICATION = 5, _("Information and communication")
        SYSTEM_CAPACITY = 6, _("Capacity of the extension system, international co-operation")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=255)
    name_en = models.CharField(_("English name"), max_length=255)
    heading = models.PositiveSmallIntegerField(_("heading"), choices=Heading.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity content")
        verbose_name_plural = _("activity contents")
        ordering = ["heading", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the language of the request: English pages show the English name."""
        return self.name_en if translation.get_language() == "en" and self.name_en else self.name_vi


class User(AbstractUser):
    """A portal account. Its role and unit decide what it may see and do (see provinces.scoping)."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("provincial officer")
        APPROVER = "approver", _("provincial approver")
        MINISTRY = "ministry", _("ministry staff")
        ADMINISTRATOR = "admin", _("administrator")
        # Cộng tác viên khuyến công: reaches only the communes below, never a whole province.
        COLLABORATOR = "collab", _("collaborator")

    class Authority(models.TextChoices):
        """How the person signs (Decree 30/2020/NĐ-CP): as the head, or for the head."""

        HEAD = "", _("as the head of the unit")
        DEPUTY = "KT", _("KT. (signs for the head, as a deputy)")
        DELEGATED = "TL", _("TL. (signs by order of the head)")
        ACTING = "Q", _("Q. (acting head)")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.OFFICER)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    communes = models.ManyToManyField(
        Commune,
        blank=True,
        related_name="accounts",
        verbose_name=_("communes"),
        help_text=_("For a collaborator account: the communes it works in (its whole scope)."),
    )
    # The signature block of the documents this person signs (chức vụ, thẩm quyền ký)
    job_title = models.CharField(
        _("position"), max_length=120, blank=True, help_text=_("As printed above the signature, e.g. Phó Giám đốc.")
    )
    signing_authority = models.CharField(
        _("signs"), max_length=2, choices=Authority.choices, default=Authority.HEAD, blank=True
    )
    head_title = models.CharField(
        _("position of the head"),
        max_length=120,
        blank=True,
        help_text=_("The head's position, for KT./TL./Q., e.g. Giám đốc or Cục trưởng."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["officer", "approver"]) | Q(unit__isnull=False),
                name="user_provincial_roles_have_unit",
            ),
            models.CheckConstraint(
                condition=Q(signing_authority="") | ~Q(head_title=""), name="user_signing_for_names_the_head"
            ),
        ]

    @property
    def is_provincial(self) -> bool:
        return self.role in {self.Role.OFFICER, self.Role.APPROVER}

    @property
    def is_collaborator(self) -> bool:
        return self.role == self.Role.COLLABORATOR

    @property
    def sees_all_provinces(self) -> bool:
        return self.role in {self.Role.MINISTRY, self.Role.ADMINISTRATOR} or self.is_superuser

    def signature(self) -> dict | None:
        """The signature block's lines (quyền hạn, chức vụ, họ tên), or None while the profile lacks them.

        KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC; TL. CỤC TRƯỞNG / CHÁNH VĂN PHÒNG; Q. GIÁM ĐỐC; or just GIÁM ĐỐC.
        """
        name = self.get_full_name().strip()
        if not name or not self.job_title.strip():
            return None
        title, head = self.job_title.strip().upper(), self.head_title.strip().upper()
        if self.signing_authority == self.Authority.ACTING:
            return {"authority": "", "title": f"Q. {head}", "name": name}
        if self.signing_authority:
            return {"authority": f"{self.signing_authority}. {head}", "title": title, "name": name}
        return {"authority": "", "title": title, "name": name}


class ApiToken(models.Model):
    """A bearer token for the REST API, issued to a user (a person or a system account).

    Only a SHA-256 hash of the secret is stored; `prefix` finds the row. A token never grants more than
    its user has: it is read-only unless `can_write`, and it stops working when expired or revoked.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the system using it."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    can_write = models.BooleanField(_("may write"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > moment
