"""API v1 for working data: plans, national-plan registrations, reporting periods and projects (with their
money entries and progress). Reads go through the scoping rule; writes call the services the pages call.

Projects: every project in the caller's scope is listed by default (drafts included); `?approved=true`
keeps those approved or further along. A project's figures are the approved ones: an adjustment awaiting
approval changes nothing until it is approved.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from khuyencong import api, api_filters, cachekeys, filetypes
from khuyencong.text import vi_order
from periods.models import ReportingPeriod
from projects import rules, selectors, services
from projects.models import (
    Attachment,
    Beneficiary,
    Fund,
    MoneyEntry,
    NationalPlanRegistration,
    Plan,
    ProgressUpdate,
    Project,
    ProjectDecision,
    Status,
)
from provinces import selectors as province_selectors
from provinces.models import ActivityContent, Commune, Province, Unit, UnitName


class PlanSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)
    planned_amount = api.MoneyField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "province", "province_name", "year", "fund", "planned_amount", "note"]


class PlanFilter(filters.FilterSet):
    province = api.IdFilter(queryset=Province.objects.all(), method=api.filter_province)
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    fund = filters.ChoiceFilter(choices=Fund.choices)

    class Meta:
        model = Plan
        fields = ["province", "year", "fund"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces' planned extension budgets per year and fund, within the caller's provinces."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["year", "fund", "planned_amount"]
    ordering = ["-year", "province__code", "fund"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        queryset = Plan.objects.select_related("province")
        return province_selectors.scope_for_user(queryset, user=self.request.user)


class RegistrationSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)
    requested_amount = api.MoneyField(read_only=True)

    class Meta:
        model = NationalPlanRegistration
        fields = [
            "id",
            "province",
            "province_name",
            "plan_year",
            "deadline",
            "status",
            "registered_at",
            "project_count",
            "requested_amount",
        ]


class RegistrationFilter(filters.FilterSet):
    province = api.IdFilter(queryset=Province.objects.all(), method=api.filter_province)
    year = filters.NumberFilter(field_name="plan_year", min_value=2000, max_value=2100)
    status = filters.ChoiceFilter(choices=NationalPlanRegistration.Status.choices)

    class Meta:
        model = NationalPlanRegistration
        fields = ["province", "year", "status"]


class RegistrationViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces' registrations of next year's national-fund projects with the ministry."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    ordering_fields = ["plan_year", "deadline", "registered_at"]
    ordering = ["-plan_year", "province__code"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        queryset = NationalPlanRegistration.objects.select_related("province")
        return province_selectors.scope_for_user(queryset, user=self.request.user)


# Projects ---------------------------------------------------------------------------------------------------


class BeneficiarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Beneficiary
        fields = ["id", "name", "kind", "tax_code", "commune"]


class EstablishmentSerializer(serializers.ModelSerializer):
    commune_name = serializers.CharField(source="commune.name", read_only=True, default=None)
    province = serializers.IntegerField(source="commune.province_id", read_only=True, default=None)

    class Meta:
        model = Beneficiary
        fields = [
            "id",
            "name",
            "kind",
            "tax_code",
            "commune",
            "commune_name",
            "province",
            "address",
            "women_owned",
            "ethnic_minority_owned",
        ]


class EstablishmentCreateSerializer(api.StrictSerializer):
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=Beneficiary.Kind.choices)
    tax_code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="10 digits (checked), 13 for a branch, 12 for a personal ID.",
    )
    commune = api.IdField(queryset=Commune.objects.all(), help_text="A commune of your provinces.")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    women_owned = serializers.BooleanField(required=False)
    ethnic_minority_owned = serializers.BooleanField(required=False)


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Token download of the file.")

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "content_type", "size", "sha256", "uploaded_at", "download"]

    def get_download(self, attachment) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(f"/api/v1/projects/{attachment.project_id}/attachments/{attachment.pk}/")


class AttachmentUploadSerializer(api.StrictSerializer):
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    file = serializers.FileField(
        allow_empty_file=True,  # an empty file is the service's refusal ("refused"), told in both languages
        help_text="PDF, JPEG, PNG, .docx, .xlsx, .odt or .ods, checked by content; macro-enabled files refused.",
    )


class DecisionSerializer(serializers.ModelSerializer):
    attachment = AttachmentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProjectDecision
        fields = ["id", "kind", "number", "date", "signer", "attachment", "recorded_at"]


class DecisionCreateSerializer(api.StrictSerializer):
    kind = serializers.ChoiceField(choices=ProjectDecision.Kind.choices)
    number = serializers.CharField(max_length=60)
    date = serializers.DateField()
    signer = serializers.CharField(max_length=255, required=False, allow_blank=True)
    file = serializers.FileField(
        required=False, allow_empty_file=True, help_text="The signed document (multipart); optional."
    )


class DecisionRecordSerializer(api.StrictSerializer):
    """The JSON form of a decision: the same fields without the file (a file needs multipart)."""

    kind = serializers.ChoiceField(choices=ProjectDecision.Kind.choices)
    number = serializers.CharField(max_length=60)
    date = serializers.DateField()
    signer = serializers.CharField(max_length=255, required=False, allow_blank=True)


class SignedMoneyField(api.MoneyField):
    """Whole VND as read back: a correcting entry is negative ("-50000000")."""


class SignedMoneyFieldSchema(OpenApiSerializerFieldExtension):
    target_class = SignedMoneyField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": "^-?[0-9]{1,18}$",
            "example": "-50000000",
            "description": "Whole VND as a string of digits; negative for a correcting entry.",
        }


class MoneyEntrySerializer(serializers.ModelSerializer):
    amount = SignedMoneyField(read_only=True)
    corrects = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="For a correcting entry: the id of the entry it reverses (wholly or in part).",
    )

    class Meta:
        model = MoneyEntry
        fields = ["id", "kind", "amount", "date", "note", "corrects", "reason", "created_at"]


class MoneyCorrectionSerializer(api.StrictSerializer):
    reason = serializers.CharField(max_length=10000, help_text="Why the entry is wrong (required).")
    amount = api.MoneyField(
        required=False, help_text="How much of the entry to take back; absent: all that is left of it."
    )


class ProgressSerializer(serializers.ModelSerializer):
    period_label = serializers.CharField(source="period.label", read_only=True)
    completion_percent = serializers.DecimalField(
        max_digits=4, decimal_places=1, coerce_to_string=False, read_only=True, help_text="0 to 100, e.g. 37.5"
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "period",
            "period_label",
            "completion_percent",
            "narrative",
            "difficulties",
            "version",
            "updated_at",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)
    implementing_unit_name = serializers.CharField(source="implementing_unit.name", read_only=True)
    activity_code = serializers.CharField(source="activity.code", read_only=True)
    approved_support = api.MoneyField(read_only=True)
    counterpart = api.MoneyField(read_only=True)
    other_sources = api.MoneyField(read_only=True)
    total_cost = api.MoneyField(read_only=True)
    advanced = api.MoneyField(read_only=True, help_text="Total of advances (tạm ứng) to date.")
    disbursed = api.MoneyField(read_only=True, help_text="Total disbursed (giải ngân) to date.")
    settled = api.MoneyField(read_only=True, help_text="Total settled (quyết toán) to date.")
    beneficiaries = BeneficiarySerializer(many=True, read_only=True)
    partner_provinces = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    money_entries = MoneyEntrySerializer(many=True, read_only=True)
    progress = ProgressSerializer(many=True, read_only=True, source="progress_updates")
    actions = serializers.SerializerMethodField(help_text="Life-cycle actions the caller may take now.")

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "province",
            "province_name",
            "implementing_unit",
            "implementing_unit_name",
            "plan_year",
            "fund",
            "activity",
            "activity_code",
            "location",
            "commune",
            "former_commune_name",
            "start_date",
            "end_date",
            "is_pilot",
            "is_group",
            "is_inter_provincial",
            "partner_provinces",
            "approved_support",
            "counterpart",
            "other_sources",
            "total_cost",
            "advanced",
            "disbursed",
            "settled",
            "status",
            "approved_at",
            "version",
            "created_at",
            "updated_at",
            "beneficiaries",
            "decisions",
            "money_entries",
            "progress",
            "actions",
        ]

    def get_actions(self, project) -> list[str]:
        return [t.action for t in rules.allowed_transitions(self.context["request"].user, project)]


class ProjectListSerializer(serializers.BaseSerializer):
    """The list's rows, the same JSON as ProjectSerializer, built flat from the plain rows `_attach_list_rows`
    read for the page (tuples, one query per relation): no nested serializers, no model instance or
    related-manager queryset per related row. The time zone and period labels are worked out once per
    response. `test_list_rows_equal_the_detail` holds the two equal.
    """

    def to_representation(self, project):
        memo = self.context.setdefault("project_list_memo", {"tz": timezone.get_current_timezone(), "labels": {}})
        tz, labels = memo["tz"], memo["labels"]

        def moment(value):
            return _moment(value, tz)

        progress = []
        for (
            pk,
            period_id,
            kind,
            year,
            number,
            percent,
            narrative,
            difficulties,
            version,
            updated_at,
        ) in project.progress_rows:
            if period_id not in labels:
                labels[period_id] = str(ReportingPeriod(kind=kind, year=year, number=number).label)
            progress.append(
                {
                    "id": pk,
                    "period": period_id,
                    "period_label": labels[period_id],
                    "completion_percent": percent,
                    "narrative": narrative,
                    "difficulties": difficulties,
                    "version": version,
                    "updated_at": moment(updated_at),
                }
            )
        return {
            "id": project.id,
            "code": project.code,
            "title": project.title,
            "province": project.province_id,
            "province_name": project.province.name,
            "implementing_unit": project.implementing_unit_id,
            "implementing_unit_name": project.unit_name,
            "plan_year": project.plan_year,
            "fund": project.fund,
            "activity": project.activity_id,
            "activity_code": project.activity.code,
            "location": project.location,
            "commune": project.commune_id,
            "former_commune_name": project.former_commune_name,
            "start_date": _day(project.start_date),
            "end_date": _day(project.end_date),
            "is_pilot": project.is_pilot,
            "is_group": project.is_group,
            "is_inter_provincial": project.is_inter_provincial,
            "partner_provinces": project.partner_rows,
            "approved_support": _money(project.approved_support),
            "counterpart": _money(project.counterpart),
            "other_sources": _money(project.other_sources),
            "total_cost": _money(project.total_cost),
            "advanced": _money(project.advanced),
            "disbursed": _money(project.disbursed),
            "settled": _money(project.settled),
            "status": project.status,
            "approved_at": moment(project.approved_at),
            "version": project.version,
            "created_at": moment(project.created_at),
            "updated_at": moment(project.updated_at),
            "beneficiaries": [
                {"id": pk, "name": name, "kind": kind, "tax_code": tax_code, "commune": commune}
                for pk, name, kind, tax_code, commune in project.beneficiary_rows
            ],
            "decisions": [
                {
                    "id": pk,
                    "kind": kind,
                    "number": number,
                    "date": _day(day),
                    "signer": signer,
                    "attachment": None if attachment[0] is None else self._attachment(project.id, attachment, moment),
                    "recorded_at": moment(recorded_at),
                }
                for pk, kind, number, day, signer, recorded_at, *attachment in project.decision_rows
            ],
            "money_entries": [
                {
                    "id": pk,
                    "kind": kind,
                    "amount": _money(amount),
                    "date": _day(day),
                    "note": note,
                    "corrects": corrects,
                    "reason": reason,
                    "created_at": moment(created_at),
                }
                for pk, kind, amount, day, note, corrects, reason, created_at in project.money_rows
            ],
            "progress": progress,
            "actions": [t.action for t in rules.allowed_transitions(self.context["request"].user, project)],
        }

    def _attachment(self, project_id: int, row: list, moment) -> dict:
        pk, kind, original_name, content_type, size, sha256, uploaded_at = row
        return {
            "id": pk,
            "kind": kind,
            "original_name": original_name,
            "content_type": content_type,
            "size": size,
            "sha256": sha256,
            "uploaded_at": moment(uploaded_at),
            "download": self.context["request"].build_absolute_uri(f"/api/v1/projects/{project_id}/attachments/{pk}/"),
        }


_MONEY = api.MoneyField()


def _money(value) -> str | None:
    return None if value is None else _MONEY.to_representation(value)


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value, tz) -> str | None:
    """As DRF's DateTimeField writes it (ISO 8601 in the current time zone, "Z" for UTC), tz looked up once."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ProjectWriteSerializer(api.StrictSerializer):
    """Fields a project is created with; on PATCH every field is optional and `version` says what you read."""

    code = serializers.CharField(max_length=40, required=False, help_text="Leave out to get the next code.")
    title = serializers.CharField(max_length=500)
    province = api.IdField(queryset=Province.objects.all())
    implementing_unit = api.IdField(queryset=Unit.objects.all())
    plan_year = serializers.IntegerField(min_value=2000, max_value=2100)
    fund = serializers.ChoiceField(choices=Fund.choices)
    activity = api.IdField(queryset=ActivityContent.objects.all())
    location = serializers.CharField(max_length=255, required=False, allow_blank=True)
    commune = api.IdField(queryset=Commune.objects.all(), required=False, allow_null=True)
    former_commune_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    beneficiaries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=api.MAX_ID),
        required=False,
        max_length=100,
        help_text="Ids of establishments you see (GET /api/v1/establishments/).",
    )
    partner_provinces = serializers.ListField(
        child=api.IdField(queryset=Province.objects.all()),
        required=False,
        max_length=40,
        help_text="Partner provinces of a regional-linkage project: they read it, never change it.",
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    is_pilot = serializers.BooleanField(required=False)
    is_group = serializers.BooleanField(required=False)
    is_inter_provincial = serializers.BooleanField(required=False)
    approved_support = api.MoneyField()
    counterpart = api.MoneyField(required=False)
    other_sources = api.MoneyField(required=False)


class ProjectUpdateSerializer(ProjectWriteSerializer):
    code = None
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The version you read (or send If-Match)."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Needed to change approved figures or dates."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class TransitionSerializer(api.VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MoneyEntryCreateSerializer(api.StrictSerializer):
    kind = serializers.ChoiceField(choices=MoneyEntry.Kind.choices)
    amount = api.MoneyField()
    date = serializers.DateField()
    note = serializers.CharField(max_length=255, required=False, allow_blank=True)


class PercentInputField(serializers.DecimalField):
    """A JSON number for a percentage, rounded to one decimal before the digit checks: a client's 37.549 is the
    37,5 the grid would store, not a refusal."""

    def validate_precision(self, value):
        if value.is_finite():
            value = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return super().validate_precision(value)


class ProgressSaveSerializer(api.StrictSerializer):
    period = api.IdField(queryset=ReportingPeriod.objects.all())
    completion_percent = PercentInputField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=100,
        coerce_to_string=False,
        help_text="0 to 100; rounded half up to one decimal (37.55 → 37.6), as the grid stores it.",
    )
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    difficulties = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    version = serializers.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, help_text="The row's version you read; 0 or absent if new."
    )


class ProjectFilter(filters.FilterSet):
    province = api.IdFilter(
        queryset=Province.objects.all(),
        method=api.filter_province,
        label="Province id (includes provinces merged into it)",
    )
    year = filters.NumberFilter(field_name="plan_year", min_value=2000, max_value=2100)
    fund = filters.ChoiceFilter(choices=Fund.choices)
    activity = filters.CharFilter(field_name="activity__code", max_length=20, label="Activity content code, e.g. KC03")
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    approved = api_filters.BooleanFilter(method="filter_approved", label="Approved or further along")
    updated_since = api.UpdatedSinceFilter(
        method="filter_updated_since",
        label="Changed at or after (ISO 8601): the project, its money entries or its progress",
    )
    search = filters.CharFilter(method="filter_search", max_length=200, label="Code, title, beneficiary, place")

    class Meta:
        model = Project
        fields = ["province", "year", "fund", "activity", "status", "approved", "updated_since", "search"]

    def filter_approved(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.filter(status__in=rules.APPROVED_OR_LATER)
            if value
            else queryset.exclude(status__in=rules.APPROVED_OR_LATER)
        )

    def filter_updated_since(self, queryset, name, value):
        money = MoneyEntry.objects.filter(project=OuterRef("pk"), created_at__gte=value)
        progress = ProgressUpdate.objects.filter(project=OuterRef("pk"), updated_at__gte=value)
        return queryset.filter(Q(updated_at__gte=value) | Exists(money) | Exists(progress))

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)


def _project_queryset(user):
    return selectors.with_money(selectors.project_list_for(user=user)).prefetch_related(
        "implementing_unit__names",
        "beneficiaries",
        "partner_provinces",
        Prefetch("decisions", queryset=ProjectDecision.objects.select_related("attachment")),
        "money_entries",
        Prefetch("progress_updates", queryset=ProgressUpdate.objects.select_related("period")),
    )


def _project_list_queryset(user):
    """The list's rows; their related rows are read for the page only, by `_attach_list_rows`."""
    return selectors.with_money(selectors.project_list_for(user=user))


def _attach_list_rows(projects: list[Project]) -> None:
    """The related rows of a page of projects as plain tuples, one query per relation and in each model's own
    order (as the detail's prefetches read them): what ProjectListSerializer writes. Six queries, whatever the
    page's size; a model instance per related row (and Django's prefetch per instance) cost more than the rest
    of the request together."""
    ids = [project.pk for project in projects]
    by_project = {
        pk: {"beneficiary_rows": [], "partner_rows": [], "decision_rows": [], "money_rows": [], "progress_rows": []}
        for pk in ids
    }

    def collect(attr: str, rows) -> None:
        for project_id, *row in rows:
            by_project[project_id][attr].append(row)

    # The unit's name today, as Unit.name picks it: the latest valid_from in the names' own order.
    names = {}
    for unit_id, name in UnitName.objects.filter(unit_id__in={p.implementing_unit_id for p in projects}).values_list(
        "unit_id", "name"
    ):
        names[unit_id] = name
    collect(
        "beneficiary_rows",
        Project.beneficiaries.through.objects.filter(project_id__in=ids)
        .order_by(vi_order("beneficiary__name"))
        .values_list(
            "project_id",
            "beneficiary_id",
            "beneficiary__name",
            "beneficiary__kind",
            "beneficiary__tax_code",
            "beneficiary__commune_id",
        ),
    )
    for project_id, province_id in (
        Project.partner_provinces.through.objects.filter(project_id__in=ids)
        .order_by("-province__code_set", vi_order("province__name"))
        .values_list("project_id", "province_id")
    ):
        by_project[project_id]["partner_rows"].append(province_id)
    collect(
        "decision_rows",
        ProjectDecision.objects.filter(project_id__in=ids).values_list(
            "project_id",
            "id",
            "kind",
            "number",
            "date",
            "signer",
            "recorded_at",
            "attachment_id",
            "attachment__kind",
            "attachment__original_name",
            "attachment__content_type",
            "attachment__size",
            "attachment__sha256",
            "attachment__uploaded_at",
        ),
    )
    collect(
        "money_rows",
        MoneyEntry.objects.filter(project_id__in=ids).values_list(
            "project_id", "id", "kind", "amount", "date", "note", "corrects_id", "reason", "created_at"
        ),
    )
    collect(
        "progress_rows",
        ProgressUpdate.objects.filter(project_id__in=ids).values_list(
            "project_id",
            "id",
            "period_id",
            "period__kind",
            "period__year",
            "period__number",
            "completion_percent",
            "narrative",
            "difficulties",
            "version",
            "updated_at",
        ),
    )
    for project in projects:
        for attr, rows in by_project[project.pk].items():
            setattr(project, attr, rows)
        project.unit_name = names.get(project.implementing_unit_id, project.implementing_unit.code)


def _historical(project: Project, version: int) -> Project:
    """The project as it was at a version (for telling a stale caller what changed), or as it is now."""
    record = project.history.filter(version=version).order_by("-history_date").first()
    return record.instance if record is not None else project


WRITE_RESPONSES = {
    status.HTTP_200_OK: ProjectSerializer,
    status.HTTP_409_CONFLICT: OpenApiResponse(api.ErrorSerializer, description="Stale version in the body."),
    status.HTTP_412_PRECONDITION_FAILED: OpenApiResponse(api.ErrorSerializer, description="Stale If-Match."),
}


@extend_schema_view(
    partial_update=extend_schema(
        request=ProjectUpdateSerializer,
        responses=WRITE_RESPONSES,
        description="Change a project through the same service as the project page. Send the version you read in "
        "If-Match (as the ETag) or as `version`; a stale one gets 412 or 409 with what changed.",
    ),
    create=extend_schema(request=ProjectWriteSerializer, responses={201: ProjectSerializer}),
    list=extend_schema(responses=ProjectSerializer),  # ProjectListSerializer writes the same JSON, flat
)
class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Extension projects in the caller's provinces, with money entries and progress; writes by role."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["code", "plan_year", "updated_at", "approved_support", "start_date", "end_date"]
    ordering = ["-plan_year", "code"]
    lookup_value_regex = api.ID_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return _project_list_queryset(self.request.user)
        return _project_queryset(self.request.user)

    def get_serializer_class(self):
        return ProjectListSerializer if self.action == "list" else ProjectSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            _attach_list_rows(page)
        return page

    def _answer(self, project: Project, code=status.HTTP_200_OK) -> Response:
        fresh = _project_queryset(self.request.user).get(pk=project.pk)
        response = Response(self.get_serializer(fresh).data, status=code)
        response["ETag"] = f'"{fresh.version}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        project = self.get_object()
        response = Response(self.get_serializer(project).data)
        response["ETag"] = f'"{project.version}"'
        return response

    def create(self, request, *args, **kwargs):
        data = dict(api.validated(ProjectWriteSerializer, data=request.data, context=self.get_serializer_context()))
        code = data.pop("code", "")
        beneficiaries = self._establishments(data.pop("beneficiaries", None))
        partners = data.pop("partner_provinces", None)
        project = api.call_service(
            services.project_create,
            by=request.user,
            data=data,
            code=code,
            beneficiaries=beneficiaries,
            partner_provinces=partners,
        )
        response = self._answer(project, status.HTTP_201_CREATED)
        response["Location"] = f"{request.build_absolute_uri(request.path)}{project.pk}/"
        return response

    def _establishments(self, ids: list[int] | None) -> list[Beneficiary] | None:
        """Establishments by id, each one the caller sees; an unknown id is a field error, not a silent drop."""
        if ids is None:
            return None
        found = {b.pk: b for b in selectors.establishment_list_for(user=self.request.user).filter(pk__in=ids)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise api.field_error(
                "beneficiaries", _("An establishment id is unknown or outside your provinces."), code="does_not_exist"
            )
        return [found[pk] for pk in dict.fromkeys(ids)]

    def _for_change(self) -> Project:
        """The write door: a partner province reads the project but changes nothing (404 as for others)."""
        self.get_object()  # the read door first, so the 404 is the same whichever door refuses
        return selectors.project_get_for_change(user=self.request.user, pk=self.kwargs["pk"])

    def update(self, request, *args, **kwargs):
        project = self._for_change()
        data = dict(api.validated(ProjectUpdateSerializer, data=request.data, context=self.get_serializer_context()))
        version, source = api.expected_version(request, data.pop("version", None), required=True)
        reason = data.pop("reason", "")
        beneficiaries = self._establishments(data.pop("beneficiaries", None))
        partners = data.pop("partner_provinces", None)
        loaded = project if version == project.version else _historical(project, version)
        try:
            updated = api.call_service(
                services.project_update,
                project=loaded,
                by=request.user,
                data=data,
                expected_version=version,
                reason=reason,
                beneficiaries=beneficiaries,
                partner_provinces=partners,
            )
        except services.StaleEdit as error:
            raise api.stale(source=source, current_version=project.version, changes=error.changes) from None
        return self._answer(updated)

    def _transition(self, request, pk, action_name):
        project = self._for_change()
        data = api.validated(TransitionSerializer, data=request.data, context=self.get_serializer_context())
        version, source = api.expected_version(request, data.get("version"), required=False)
        loaded = project if version in (None, project.version) else _historical(project, version)
        try:
            moved = api.call_service(
                services.project_transition,
                project=loaded,
                action=action_name,
                by=request.user,
                reason=data.get("reason", ""),
                expected_version=version,
            )
        except services.StaleEdit as error:
            raise api.stale(source=source, current_version=project.version, changes=error.changes) from None
        return self._answer(moved)

    @extend_schema(request=MoneyEntryCreateSerializer, responses={201: MoneyEntrySerializer})
    @action(detail=True, methods=["post"], url_path="money-entries", url_name="money-entries")
    def money_entries(self, request, pk=None):
        """Record an advance, disbursement or settlement on an approved project (money_entry_add)."""
        project = self._for_change()
        data = api.validated(MoneyEntryCreateSerializer, data=request.data, context=self.get_serializer_context())
        entry = api.call_service(services.money_entry_add, project=project, by=request.user, **data)
        return Response(MoneyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MoneyCorrectionSerializer, responses={201: MoneyEntrySerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"money-entries/(?P<entry_id>{api.ID_REGEX})/correction",
        url_name="money-entry-correction",
    )
    def money_entry_correction(self, request, pk=None, entry_id=None):
        """Reverse a money entry, wholly or in part, by a correcting entry (negative, linked, with the reason);
        entries are never edited or deleted. After the period's report is submitted only the approver may."""
        project = self._for_change()  # the write door: a partner province reads the project, never corrects it
        entry = project.money_entries.filter(pk=int(entry_id)).first()
        if entry is None:
            raise Http404
        data = api.validated(MoneyCorrectionSerializer, data=request.data, context=self.get_serializer_context())
        correction = api.call_service(services.money_entry_correct, entry=entry, by=request.user, **data)
        return Response(MoneyEntrySerializer(correction).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProgressSaveSerializer,
        responses={200: ProgressSerializer, 201: ProgressSerializer},
    )
    @action(detail=True, methods=["post"], url_path="progress", url_name="progress")
    def progress(self, request, pk=None):
        """Create or update the project's progress for a reporting period (progress_save); a stale version is 409."""
        project = self._for_change()
        data = dict(api.validated(ProgressSaveSerializer, data=request.data, context=self.get_serializer_context()))
        version = data.pop("version", None)
        existed = ProgressUpdate.objects.filter(project=project, period=data["period"]).exists()
        try:
            row = api.call_service(
                services.progress_save, project=project, by=request.user, expected_version=version, **data
            )
        except services.StaleEdit as error:
            current = ProgressUpdate.objects.filter(project=project, period=data["period"]).first()
            raise api.stale(
                source="body", current_version=current.version if current else 0, changes=error.changes
            ) from None
        row = ProgressUpdate.objects.select_related("period").get(pk=row.pk)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(ProgressSerializer(row).data, status=code)

    def perform_content_negotiation(self, request, force=False):
        # a download answers a file whatever Accept says; its refusals are JSON like every other answer
        return super().perform_content_negotiation(request, force=force or self.action == "attachment_download")

    @extend_schema(methods=["GET"], responses={200: AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="attachments",
        url_name="attachments",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
    )
    def attachments(self, request, pk=None):
        """GET: the project's files. POST (multipart: `kind`, `file`): upload one, checked by its content as
        on the page (PDF, images, Word, Excel, OpenDocument; macro-enabled files refused)."""
        if request.method == "GET":
            project = self.get_object()
            page = self.paginate_queryset(list(project.attachments.order_by("-uploaded_at", "-pk")))
            return self.get_paginated_response(
                AttachmentSerializer(page, many=True, context=self.get_serializer_context()).data
            )
        project = self._for_change()
        data = api.validated(AttachmentUploadSerializer, data=request.data, context=self.get_serializer_context())
        attachment = api.call_service(
            services.attachment_add, project=project, by=request.user, kind=data["kind"], uploaded_file=data["file"]
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")
            for content_type in sorted({kind[1] for kind in filetypes.KINDS.values()})
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"attachments/(?P<attachment_pk>{api.ID_REGEX})",
        url_name="attachment-download",
        filter_backends=[],
    )
    def attachment_download(self, request, pk=None, attachment_pk=None):
        """One file of the project (partners too: the read door); 404 outside your scope or on another project."""
        project = self.get_object()
        attachment = project.attachments.filter(pk=int(attachment_pk)).first()
        if attachment is None:
            raise api.ApiError(status_code=404, code="not_found")
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise api.ApiError(status_code=404, code="not_found") from None
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(methods=["GET"], responses={200: DecisionSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": DecisionCreateSerializer, "application/json": DecisionRecordSerializer},
        responses={201: DecisionSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="decisions",
        url_name="decisions",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
        filter_backends=[],
    )
    def decisions(self, request, pk=None):
        """GET: the decisions and documents of the life cycle, by date. POST: record one (approval,
        contract, assignment, acceptance, liquidation, settlement) with number, date, signer and file."""
        if request.method == "GET":
            project = self.get_object()
            rows = list(project.decisions.select_related("attachment").order_by("date", "pk"))
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(
                DecisionSerializer(page, many=True, context=self.get_serializer_context()).data
            )
        project = self._for_change()
        data = dict(api.validated(DecisionCreateSerializer, data=request.data, context=self.get_serializer_context()))
        decision = api.call_service(
            services.decision_record,
            project=project,
            by=request.user,
            kind=data["kind"],
            number=data["number"],
            date=data["date"],
            signer=data.get("signer", ""),
            uploaded_file=data.get("file"),
        )
        return Response(
            DecisionSerializer(decision, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    # Last in the class: an annotation below a method named `list` would read it instead of the builtin.
    def list(self, request, *args, **kwargs):
        """The page as this caller is answered, cached by data version (khuyencong/cachekeys.py): keyed by
        the caller (the actions are theirs; role, unit and provinces in scope, in case an administrator
        changes them) and the full URL (filters, order, page, and the host its links name). Every row it
        shows (projects, money, progress, beneficiaries, partners, decisions and their files, units) is
        written through services or admin pages that bump. Invalid filters raise before anything is stored."""
        answer = super().list
        known = {*self.filterset_class.base_filters, "ordering", "page", "page_size", "format"}
        # Made-up parameters would each add an entry, and so would every search asked (as on the list page).
        if not set(request.query_params) <= known or request.query_params.get("search", "").strip():
            return answer(request, *args, **kwargs)
        user = request.user
        ids = province_selectors.province_ids_in_scope(user=user)
        scope = "all" if ids is None else sorted(ids)
        key = ["api-projects", user.pk, user.role, user.unit_id, user.is_staff, scope, request.build_absolute_uri()]
        data = cachekeys.cached(
            key, lambda: answer(request, *args, **kwargs).data, seconds=settings.FRAGMENT_CACHE_SECONDS
        )
        return Response(data)


class EstablishmentFilter(filters.FilterSet):
    search = filters.CharFilter(
        method="filter_search", max_length=100, label="Name, tax code or commune (no diacritics needed)"
    )

    class Meta:
        model = Beneficiary
        fields = ["search"]

    def filter_search(self, queryset, name, value):
        return selectors.establishment_search(queryset, value)


@extend_schema_view(
    create=extend_schema(request=EstablishmentCreateSerializer, responses={201: EstablishmentSerializer})
)
class EstablishmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The registry of rural industrial establishments (cơ sở thụ hưởng) you see: those in a commune of
    your provinces or on one of your projects. Create adds one in a commune of your provinces."""

    serializer_class = EstablishmentSerializer
    filterset_class = EstablishmentFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        return selectors.establishment_list_for(user=self.request.user)

    def create(self, request, *args, **kwargs):
        data = dict(
            api.validated(EstablishmentCreateSerializer, data=request.data, context=self.get_serializer_context())
        )
        establishment = api.call_service(services.establishment_create, by=request.user, **data)
        establishment = selectors.establishment_list_for(user=request.user).get(pk=establishment.pk)
        return Response(self.get_serializer(establishment).data, status=status.HTTP_201_CREATED)


def _transition_view(name: str, transition: rules.Transition):
    def view(self, request, pk=None):
        return self._transition(request, pk, name)

    view.__name__ = view.__qualname__ = f"transition_{name}"
    with translation.override("en"):
        view.__doc__ = (
            f"Life-cycle action `{name}`: {transition.label} ({', '.join(transition.sources)} → {transition.target})."
            + (" A reason is required." if transition.needs_reason else "")
        )
    view = extend_schema(request=TransitionSerializer, responses=WRITE_RESPONSES, operation_id=f"projects_{name}")(view)
    return action(detail=True, methods=["post"], url_path=name, url_name=name)(view)


for _name, _transition in rules.TRANSITIONS.items():
    setattr(ProjectViewSet, f"transition_{_name}", _transition_view(_name, _transition))
# Actions added after the class was built: their request body must still be the transition's, not a project's.
extend_schema_view(
    **{
        f"transition_{name}": extend_schema(
            request=TransitionSerializer, responses=WRITE_RESPONSES, operation_id=f"projects_{name}"
        )
        for name in rules.TRANSITIONS
    }
)(ProjectViewSet)
