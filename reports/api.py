"""API v1, periodic reports: metadata, frozen figures and files of each province's (and the region's) reports,
who has reported for a period, and the workflow (narrative, submit, review, regenerate) through the services.

Figures that external systems read are the approved ones: by default only reports whose figures are frozen
(submitted, accepted, returned) exist for readers, in lists, details and downloads alike. `?include_drafts=true`
adds the drafts the caller's scope reaches (their province's for provincial accounts, all for ministry staff).
Writes reach drafts without it.
"""

from django.db import transaction
from django.db.models import Q
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from khuyencong import api, api_filters
from khuyencong.concurrency import StaleEdit
from periods.models import PeriodKind, ReportingPeriod
from provinces.models import Province
from reports import documents, selectors, services
from reports.models import Report

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TIMELINESS_STATES = ["on_time", "late", "very_late", "overdue", "draft", "missing"]


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


class PeriodBriefSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "kind", "year", "number", "label", "starts_on", "ends_on", "deadline"]


class FileLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The portal's download (signed-in browser session).")
    api_url = serializers.URLField(help_text="The same file under token authentication.")
    sha256 = serializers.CharField()
    pages = serializers.IntegerField(allow_null=True, required=False, help_text="PDF only.")


class ReportSerializer(serializers.ModelSerializer):
    period = PeriodBriefSerializer(read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True, allow_null=True, default=None)
    regional = serializers.BooleanField(source="is_regional", read_only=True)
    submitted_by = serializers.SerializerMethodField()
    reviewed_by = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()
    xlsx = serializers.SerializerMethodField()
    figures = serializers.JSONField(
        source="snapshot",
        read_only=True,
        allow_null=True,
        help_text="The figures the PDF shows (amounts as strings of whole VND): frozen at submission for "
        "submitted, accepted and returned versions; provisional for drafts; null before the first generation. "
        "Windows: `period` is the period's own data window (a quarter's own, from the 15th of the month before "
        "it to its cut-off) and each row's `now`/`last` are summed over it and over the same window a year "
        "earlier (`last_period`); `ytd_period`/`ytd_last_period` are the cumulative windows from the start of "
        "the year to the same cut-off (`ytd`/`ytd_last` of each row). Six months, nine months and the year are "
        "cumulative only (`period.cumulative` true; `ytd` equals `now`). Each period has `title` and "
        "`window_label` (dd/mm/yyyy–dd/mm/yyyy); `windows` lists the tables shown (own, cumulative). The "
        "whole-year figure also counts the year's projects' disbursements dated outside its window "
        "(`period.note`). A change of rate against last year is in percentage points (điểm), never a "
        "percentage. Last year of a province formed by the 2025 merger adds up its predecessors; "
        "`comparison_notes` says how windows spanning a change of provinces were counted. Snapshots frozen "
        "before these fields existed lack them and read as submitted.",
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "period",
            "province",
            "province_name",
            "regional",
            "version",
            "status",
            "edit_version",
            "achievements",
            "difficulties",
            "proposals",
            "generation",
            "queued_at",
            "generated_at",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "snapshot_at",
            "created_at",
            "pdf",
            "xlsx",
            "figures",
        ]
        extra_kwargs = {"edit_version": {"help_text": "Version of the narrative: send it (If-Match or body) to PATCH."}}

    def get_submitted_by(self, report) -> str | None:
        return _name(report.submitted_by)

    def get_reviewed_by(self, report) -> str | None:
        return _name(report.reviewed_by)

    def _file(self, report, fmt: str) -> dict | None:
        stored = report.pdf if fmt == "pdf" else report.xlsx
        if not stored:
            return None
        request = self.context["request"]
        return {
            "url": request.build_absolute_uri(reverse("reports:download", args=[report.pk, fmt])),
            "api_url": request.build_absolute_uri(reverse(f"api:report-{fmt}", args=[report.pk])),
            "sha256": report.pdf_sha256 if fmt == "pdf" else report.xlsx_sha256,
            **({"pages": report.pdf_pages} if fmt == "pdf" else {}),
        }

    @extend_schema_field(FileLinkSerializer(allow_null=True))
    def get_pdf(self, report):
        return self._file(report, "pdf")

    @extend_schema_field(FileLinkSerializer(allow_null=True))
    def get_xlsx(self, report):
        return self._file(report, "xlsx")


class ReportFilter(filters.FilterSet):
    period = api.IdFilter(queryset=ReportingPeriod.objects.all(), label="Reporting period id")
    kind = filters.ChoiceFilter(field_name="period__kind", choices=PeriodKind.choices, label="Period kind")
    year = filters.NumberFilter(field_name="period__year", min_value=2000, max_value=2100, label="Period year")
    number = filters.NumberFilter(
        field_name="period__number", min_value=1, max_value=4, label="Period number (quarter 1-4; 1 otherwise)"
    )
    province = api.IdFilter(
        queryset=Province.objects.all(),
        method=api.filter_province,
        label="Province id (includes provinces merged into it)",
    )
    status = filters.MultipleChoiceFilter(choices=Report.Status.choices)
    regional = api_filters.BooleanFilter(
        field_name="province", lookup_expr="isnull", label="true: the regional report only; false: provinces' only"
    )
    updated_since = api.UpdatedSinceFilter(
        method="filter_updated_since",
        label="Created, submitted, reviewed or generated at or after (ISO 8601; naive means Vietnam time)",
    )
    include_drafts = api_filters.BooleanFilter(
        method="filter_nothing", label="Add drafts (provisional figures) in your scope; default false"
    )

    class Meta:
        model = Report
        fields = ["period", "kind", "year", "number", "province", "status", "regional", "updated_since"]

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(
            Q(created_at__gte=value)
            | Q(submitted_at__gte=value)
            | Q(reviewed_at__gte=value)
            | Q(generated_at__gte=value)
        )

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by ReportViewSet.get_queryset: it decides what exists, not what is filtered


def include_drafts(request) -> bool:
    """`?include_drafts=true` (true/false/1/0; anything else is a 400, as for the filters)."""
    return api_filters.query_boolean(request, "include_drafts")


INCLUDE_DRAFTS = OpenApiParameter(
    "include_drafts", OpenApiTypes.BOOL, description="Also reach drafts in your scope (default false)."
)


class NarrativeSerializer(api.StrictSerializer):
    achievements = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    difficulties = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    proposals = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The edit_version you read (or send If-Match)."
    )


class ReviewSerializer(api.StrictSerializer):
    decision = serializers.ChoiceField(choices=[("accept", _("accept")), ("return", _("return"))])
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Required to return: what must be corrected."
    )


class EmptySerializer(api.StrictSerializer):
    pass


class TimelinessQuerySerializer(serializers.Serializer):
    period = serializers.IntegerField(min_value=1, max_value=api.MAX_ID, help_text="Reporting period id.")


class TimelinessRowSerializer(serializers.Serializer):
    province = serializers.IntegerField()
    province_name = serializers.CharField()
    state = serializers.ChoiceField(
        choices=TIMELINESS_STATES,
        help_text="on_time/late/very_late: submitted (by the deadline, within the very-late grace, after it); "
        "draft: not submitted, deadline not passed; overdue / very_late: not submitted after the deadline; "
        "missing: no report yet.",
    )
    state_label = serializers.CharField()
    submitted_on = serializers.DateField(allow_null=True, help_text="First submission of any version.")
    report = serializers.IntegerField(allow_null=True, help_text="The latest version's id.")
    report_version = serializers.IntegerField(allow_null=True)
    report_status = serializers.ChoiceField(choices=Report.Status.choices, allow_null=True)


class CompletenessSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()


class TimelinessSerializer(serializers.Serializer):
    period = PeriodBriefSerializer()
    completeness = CompletenessSerializer()
    provinces = TimelinessRowSerializer(many=True)


WRITE_RESPONSES = {
    status.HTTP_200_OK: ReportSerializer,
    status.HTTP_409_CONFLICT: OpenApiResponse(api.ErrorSerializer, description="Stale version in the body."),
    status.HTTP_412_PRECONDITION_FAILED: OpenApiResponse(api.ErrorSerializer, description="Stale If-Match."),
}
WRITE_ACTIONS = {"partial_update", "update", "submit", "review", "regenerate"}
DOWNLOADS = {"pdf", "xlsx"}


@extend_schema_view(
    list=extend_schema(
        description="Reports in your scope, newest period first. Only frozen versions (submitted, accepted, "
        "returned) unless include_drafts=true."
    ),
    retrieve=extend_schema(parameters=[INCLUDE_DRAFTS]),
    partial_update=extend_schema(
        request=NarrativeSerializer,
        responses=WRITE_RESPONSES,
        description="Write the narrative of your province's draft (officers and approvers), as the report page "
        "does. Send the edit_version you read in If-Match (the ETag) or as `version`: stale gets 412 or 409.",
    ),
)
class ReportViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Periodic reports of the provinces (and the region's, for ministry staff), with frozen figures and files."""

    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["period__ends_on", "version", "created_at", "submitted_at", "reviewed_at", "generated_at"]
    ordering = ["-period__ends_on", "period__kind", "province__code", "-version"]
    lookup_value_regex = api.ID_REGEX
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        drafts = self.action in WRITE_ACTIONS or include_drafts(self.request)
        return selectors.reports_published_for(user=self.request.user, include_drafts=drafts)

    def perform_content_negotiation(self, request, force=False):
        # downloads answer a file whatever Accept says; their refusals are JSON like every other answer
        return super().perform_content_negotiation(request, force=force or self.action in DOWNLOADS)

    def _answer(self, pk: int, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.reports_published_for(user=self.request.user, include_drafts=True).get(pk=pk)
        response = Response(self.get_serializer(fresh).data, status=code)
        response["ETag"] = f'"{fresh.edit_version}"'
        return response

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        response = Response(self.get_serializer(report).data)
        response["ETag"] = f'"{report.edit_version}"'
        return response

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        data = dict(api.validated(NarrativeSerializer, data=request.data, context=self.get_serializer_context()))
        version, source = api.expected_version(request, data.pop("version", None), required=True)
        with transaction.atomic():
            current = Report.objects.select_for_update().get(pk=report.pk)
            # the service refuses first what does not depend on the version (not the province's, frozen)
            try:
                api.call_service(
                    services.report_narrative_save, report=current, by=request.user, expected_version=version, **data
                )
            except StaleEdit as error:
                raise api.stale(source=source, current_version=current.edit_version, changes=error.changes) from None
        return self._answer(report.pk)

    def _check_version(self, request, report: Report, body_version: int | None) -> None:
        version, source = api.expected_version(request, body_version, required=False)
        if version is not None and version != report.edit_version:
            raise api.stale(source=source, current_version=report.edit_version, changes={})

    @extend_schema(request=api.VersionSerializer, responses=WRITE_RESPONSES)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The provincial approver submits the draft: its figures are frozen and its files rendered from them.
        An optional `version` (or If-Match) makes sure the narrative is the one you read."""
        report = self.get_object()
        data = api.validated(api.VersionSerializer, data=request.data, context=self.get_serializer_context())
        self._check_version(request, report, data.get("version"))
        api.call_service(services.report_submit, report=report, by=request.user)
        return self._answer(report.pk)

    @extend_schema(request=ReviewSerializer, responses=WRITE_RESPONSES)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Ministry staff accept a submitted report, or return it with a comment (a new draft version follows)."""
        report = self.get_object()
        data = api.validated(ReviewSerializer, data=request.data, context=self.get_serializer_context())
        api.call_service(
            services.report_review,
            report=report,
            by=request.user,
            accept=data["decision"] == "accept",
            comment=data.get("comment", ""),
        )
        return self._answer(report.pk)

    @extend_schema(request=EmptySerializer, responses={202: ReportSerializer})
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        """Queue the files to be generated again (a draft's with today's figures; a failed one's). 202 when
        queued; 400 when a submitted report's files exist (they are final) or generation is under way."""
        report = self.get_object()
        api.validated(EmptySerializer, data=request.data, context=self.get_serializer_context())
        if not services.report_request_generation(report_id=report.pk):
            message = (
                _("A submitted report's files are final and are not generated again.")
                if report.is_frozen and report.generation == Report.Generation.READY
                else _("The files are already being generated.")
            )
            raise api.ApiError(status_code=400, code="not_regenerated", message=api.both(message))
        return self._answer(report.pk, status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[INCLUDE_DRAFTS],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF.")},
    )
    @action(detail=True, methods=["get"], url_path="pdf", url_name="pdf")
    def pdf(self, request, pk=None):
        """The report's PDF, scoped like the report (drafts only with include_drafts=true). ETag: its SHA-256."""
        return self._download(self.get_object(), "pdf")

    @extend_schema(
        parameters=[INCLUDE_DRAFTS],
        responses={(200, CONTENT_TYPES["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook.")},
    )
    @action(detail=True, methods=["get"], url_path="xlsx", url_name="xlsx")
    def xlsx(self, request, pk=None):
        """The report's Excel workbook, scoped like the report. ETag: its SHA-256."""
        return self._download(self.get_object(), "xlsx")

    def _download(self, report: Report, fmt: str) -> FileResponse:
        stored = report.pdf if fmt == "pdf" else report.xlsx
        not_yet = api.ApiError(
            status_code=404, code="not_generated", message=api.both(_("The file has not been generated yet."))
        )
        if not stored:
            raise not_yet
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise not_yet from None
        response = FileResponse(
            handle, as_attachment=True, filename=documents.file_name(report, fmt), content_type=CONTENT_TYPES[fmt]
        )
        response["ETag"] = f'"{report.pdf_sha256 if fmt == "pdf" else report.xlsx_sha256}"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(parameters=[TimelinessQuerySerializer], responses={200: TimelinessSerializer})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def timeliness(self, request):
        """For one period, each province in your scope: on time, late, very late, overdue, draft or missing, with
        the completeness counts (as the reports page). An unknown period is 404."""
        query = api.validated(TimelinessQuerySerializer, data=request.query_params, context={})
        try:
            period = ReportingPeriod.objects.get(pk=query["period"])
        except ReportingPeriod.DoesNotExist:
            raise api.ApiError(status_code=404, code="not_found") from None
        rows = selectors.timeliness(period=period, user=request.user)
        body = {
            "period": PeriodBriefSerializer(period).data,
            "completeness": selectors.completeness(rows),
            "provinces": [
                {
                    "province": row.province.pk,
                    "province_name": row.province.name,
                    "state": row.state,
                    "state_label": str(row.label),
                    "submitted_on": row.submitted_on,
                    "report": row.report.pk if row.report else None,
                    "report_version": row.report.version if row.report else None,
                    "report_status": row.report.status if row.report else None,
                }
                for row in rows
            ],
        }
        return Response(TimelinessSerializer(body).data)
