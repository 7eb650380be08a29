"""API v1, the regional conference series: conferences with their facts, documents, conclusions and each
province's follow-up, delegates; follow-up reports and delegate registration through the services.

Conferences are regional events every signed-in account reads. Delegates and follow-up are a province's working
data and follow the rule the conference page applies: ministry staff see every province's, a provincial account
its own province's (and the provinces merged into it), nothing of the others'.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.urls import reverse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from conferences import selectors, services, uploads
from conferences.models import ConclusionFollowUp, Conference, Delegate, Document
from khuyencong import api, filetypes
from provinces import selectors as province_selectors
from provinces.models import Province, Unit

DOWNLOADS = {"document"}


def _absolute(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProvinceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["id", "code", "name"]


class ProvinceRefSerializer(serializers.ModelSerializer):
    now_part_of = serializers.CharField(
        source="successor.name", allow_null=True, default=None, help_text="The province it merged into in 2025."
    )

    class Meta:
        model = Province
        fields = ["id", "code", "name", "now_part_of"]


class CoChairSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    full_name = serializers.CharField()
    position = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)


class ParticipantSerializer(serializers.Serializer):
    province = serializers.IntegerField(source="province_id")
    province_name = serializers.CharField(source="province.name")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    note = serializers.CharField()


class DocumentSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", allow_null=True, default=None)
    has_file = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The portal's download (signed-in browser session).")
    api_url = serializers.SerializerMethodField(help_text="The same file under token authentication.")

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "province",
            "province_name",
            "has_file",
            "original_name",
            "content_type",
            "uploaded_at",
            "url",
            "api_url",
        ]

    def get_has_file(self, doc) -> bool:
        return bool(doc.file)

    def get_url(self, doc) -> str | None:
        return _absolute(self.context["request"], "conferences:document_download", doc.pk) if doc.file else None

    def get_api_url(self, doc) -> str | None:
        if not doc.file:
            return None
        return _absolute(self.context["request"], "api:conference-document", doc.conference_id, doc.pk)


class QuotedFigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    period = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    out_of = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    measure = serializers.CharField()
    source = serializers.CharField()


class RecognitionSerializer(serializers.Serializer):
    citation = serializers.CharField()
    full_name = serializers.CharField()
    position = serializers.CharField()
    unit_name = serializers.CharField(source="unit.name", allow_null=True, default=None)
    province_name = serializers.CharField(source="province.name", allow_null=True, default=None)
    note = serializers.CharField()


class FollowUpSerializer(serializers.Serializer):
    province = serializers.IntegerField(source="province.pk")
    province_name = serializers.CharField(source="province.name")
    status = serializers.ChoiceField(choices=ConclusionFollowUp.Status.choices)
    note = serializers.CharField(allow_blank=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.CharField(allow_null=True)
    evidence_url = serializers.URLField(allow_null=True, help_text="The portal's download (browser session).")


class ConclusionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    note = serializers.CharField()
    for_all_provinces = serializers.BooleanField()
    provinces = serializers.ListField(
        child=serializers.IntegerField(), help_text="The named provinces, when not for all provinces."
    )
    done = serializers.IntegerField(help_text="Provinces (of those you see) that report it done.")
    follow_ups = FollowUpSerializer(
        many=True, help_text="Each province it asks to act, of those you see (ministry: all; a province: its own)."
    )


def _conclusion_rows(request, matrix: selectors.FollowUpMatrix) -> list[dict]:
    rows = []
    for conclusion, cells in matrix.rows:
        follow_ups = []
        for cell in cells:
            if not cell.applies:
                continue
            row = cell.follow_up
            follow_ups.append(
                {
                    "province": cell.province,
                    "status": cell.status,
                    "note": row.note if row else "",
                    "updated_at": row.updated_at if row else None,
                    "updated_by": (row.updated_by.get_full_name() or row.updated_by.username) if row else None,
                    "evidence_url": _absolute(request, "conferences:followup_evidence", row.pk)
                    if row and row.evidence
                    else None,
                }
            )
        rows.append(
            {
                "id": conclusion.pk,
                "number": conclusion.number,
                "text": conclusion.text,
                "due_date": conclusion.due_date,
                "note": conclusion.note,
                "for_all_provinces": conclusion.for_all_provinces,
                "provinces": [] if conclusion.for_all_provinces else [p.pk for p in conclusion.provinces.all()],
                "done": sum(1 for item in follow_ups if item["status"] == ConclusionFollowUp.Status.DONE),
                "follow_ups": follow_ups,
            }
        )
    return rows


class DelegateCountSerializer(serializers.Serializer):
    province = serializers.IntegerField()
    province_name = serializers.CharField()
    delegates = serializers.IntegerField()


class ConferenceSerializer(serializers.ModelSerializer):
    """A conference of the series as listed."""

    number_roman = serializers.CharField(source="roman", read_only=True)
    host_province = ProvinceRefSerializer(read_only=True)
    next_host = ProvinceBriefSerializer(read_only=True, allow_null=True)
    organiser = serializers.SerializerMethodField(help_text="The organising unit, named as on the conference day.")

    class Meta:
        model = Conference
        fields = [
            "id",
            "title",
            "number",
            "number_roman",
            "number_inferred",
            "year",
            "status",
            "date",
            "venue",
            "place",
            "host_province",
            "organiser",
            "registration_deadline",
            "next_host",
            "handover_inferred",
            "handover_note",
            "closed_at",
        ]

    @extend_schema_field(PlaceSerializer)
    def get_organiser(self, conference) -> dict:
        day = selectors.conference_day(conference)
        return {"id": conference.organiser_id, "name": conference.organiser.name_on(day)}


class ConferenceDetailSerializer(ConferenceSerializer):
    """Everything the conference page shows, scoped as the page is."""

    co_organisers = serializers.SerializerMethodField()
    co_chairs = CoChairSerializer(many=True, read_only=True)
    registration_open = serializers.SerializerMethodField()
    registration_closed_reason = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()
    quoted_figures = QuotedFigureSerializer(many=True, read_only=True)
    regional_figures = serializers.JSONField(
        read_only=True, allow_null=True, help_text="Regional figures frozen from the periodic reports."
    )
    recognitions = RecognitionSerializer(many=True, read_only=True)
    delegate_counts = serializers.SerializerMethodField(help_text="Registered delegates per province you see.")
    conclusions = serializers.SerializerMethodField()

    class Meta(ConferenceSerializer.Meta):
        fields = [
            *ConferenceSerializer.Meta.fields,
            "co_organisers",
            "co_chairs",
            "registration_open",
            "registration_closed_reason",
            "discussion_summary",
            "note",
            "participants",
            "documents",
            "quoted_figures",
            "regional_figures",
            "regional_figures_as_of",
            "recognitions",
            "delegate_counts",
            "conclusions",
        ]

    def _closed_reason(self, conference) -> str | None:
        try:
            services.registration_check_open(conference=conference)
        except ValidationError as error:
            return error.messages[0]
        return None

    def get_registration_open(self, conference) -> bool:
        return self._closed_reason(conference) is None

    def get_registration_closed_reason(self, conference) -> str | None:
        return self._closed_reason(conference)

    @extend_schema_field(PlaceSerializer(many=True))
    def get_co_organisers(self, conference) -> list[dict]:
        return [{"id": unit.pk, "name": unit.name} for unit in conference.co_organisers.all()]

    @extend_schema_field(ParticipantSerializer(many=True))
    def get_participants(self, conference) -> list[dict]:
        return ParticipantSerializer(selectors.participations(conference=conference), many=True).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, conference) -> list[dict]:
        return DocumentSerializer(selectors.documents(conference=conference), many=True, context=self.context).data

    @extend_schema_field(DelegateCountSerializer(many=True))
    def get_delegate_counts(self, conference) -> list[dict]:
        user = self.context["request"].user
        return [
            {"province": province.pk, "province_name": province.name, "delegates": count}
            for province, count in selectors.delegate_counts(user=user, conference=conference)
        ]

    @extend_schema_field(ConclusionSerializer(many=True))
    def get_conclusions(self, conference) -> list[dict]:
        request = self.context["request"]
        matrix = selectors.followup_matrix(user=request.user, conference=conference)
        return ConclusionSerializer(_conclusion_rows(request, matrix), many=True).data


class ConferenceFilter(filters.FilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    status = filters.ChoiceFilter(choices=Conference.Status.choices)
    host_province = api.IdFilter(
        queryset=Province.objects.all(),
        method="filter_host",
        label="Host province id (a province of today also finds the years hosted by provinces merged into it)",
    )

    class Meta:
        model = Conference
        fields = ["year", "status", "host_province"]

    def filter_host(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(host_province_id__in=province_selectors.province_family_ids(province_id=value.pk))


class DelegateSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Delegate
        fields = [
            "id",
            "province",
            "province_name",
            "full_name",
            "position",
            "unit",
            "unit_name",
            "organisation",
            "phone",
            "email",
            "registered_at",
        ]


class DelegateRegisterSerializer(api.StrictSerializer):
    province = serializers.IntegerField(min_value=1, max_value=api.MAX_ID, help_text="Your province (404 otherwise).")
    full_name = serializers.CharField(max_length=120)
    position = serializers.CharField(max_length=255)
    unit = api.IdField(queryset=Unit.objects.all(), required=False, allow_null=True)
    organisation = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="When the delegate has no unit of the province."
    )
    phone = serializers.RegexField(r"^\+?[0-9 .()-]{8,20}$", max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class FollowUpReportSerializer(api.StrictSerializer):
    province = serializers.IntegerField(
        min_value=1,
        max_value=api.MAX_ID,
        help_text="The province the conclusion asked, as it was on the conference day (404 if not yours).",
    )
    status = serializers.ChoiceField(choices=ConclusionFollowUp.Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


DOCUMENT_TYPES = sorted(filetypes.KINDS[kind][1] for kind in uploads.ACCEPTED)


class ConferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """The southern regional conference series, newest first; the detail as the conference page shows it."""

    serializer_class = ConferenceSerializer
    filterset_class = ConferenceFilter
    ordering_fields = ["year", "number", "date"]
    ordering = ["-year"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        return selectors.conference_list()

    def get_serializer_class(self):
        return ConferenceDetailSerializer if self.action == "retrieve" else ConferenceSerializer

    def perform_content_negotiation(self, request, force=False):
        # a download answers a file whatever Accept says; its refusals are JSON like every other answer
        return super().perform_content_negotiation(request, force=force or self.action in DOWNLOADS)

    def _conference(self, pk) -> Conference:
        return selectors.conference_get(pk=pk)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self._conference(kwargs["pk"])).data)

    @extend_schema(responses={200: ConclusionSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def conclusions(self, request, pk=None):
        """The conference's conclusions with each province's follow-up (ministry: all; a province: its own)."""
        matrix = selectors.followup_matrix(user=request.user, conference=self._conference(pk))
        rows = _conclusion_rows(request, matrix)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ConclusionSerializer(page, many=True).data)

    @extend_schema(
        request=FollowUpReportSerializer,
        responses={200: FollowUpSerializer, 201: FollowUpSerializer},
        operation_id="conferences_conclusions_follow_up",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"conclusions/(?P<conclusion_pk>[0-9]{1,18})/follow-up",
        url_name="follow-up",
    )
    def follow_up(self, request, pk=None, conclusion_pk=None):
        """Report what your province has done on a conclusion (its officers and approvers; one row per
        conclusion and province, updated in place). Evidence files are uploaded on the page."""
        conference = self._conference(pk)
        data = api.validated(FollowUpReportSerializer, data=request.data, context=self.get_serializer_context())
        if not conference.conclusions.filter(pk=conclusion_pk).exists():
            raise api.ApiError(status_code=404, code="not_found")
        conclusion, province = selectors.followup_target_get(
            user=request.user, conclusion_pk=int(conclusion_pk), province_pk=data["province"]
        )
        existed = selectors.followup_get(conclusion=conclusion, province=province) is not None
        row = api.call_service(
            services.followup_report,
            conclusion=conclusion,
            province=province,
            status=data["status"],
            note=data.get("note", ""),
            by=request.user,
        )
        body = {
            "province": province,
            "status": row.status,
            "note": row.note,
            "updated_at": row.updated_at,
            "updated_by": request.user.get_full_name() or request.user.username,
            "evidence_url": _absolute(request, "conferences:followup_evidence", row.pk) if row.evidence else None,
        }
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(FollowUpSerializer(body).data, status=code)

    @extend_schema(methods=["GET"], responses={200: DelegateSerializer(many=True)})
    @extend_schema(methods=["POST"], request=DelegateRegisterSerializer, responses={201: DelegateSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def delegates(self, request, pk=None):
        """GET: registered delegates of the provinces you see. POST: register a delegate of your province
        (officers and approvers) before the registration deadline, as the registration page does."""
        conference = self._conference(pk)
        if request.method == "GET":
            queryset = selectors.delegates_for(user=request.user, conference=conference).order_by(
                "province__code", "registered_at", "pk"
            )
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(DelegateSerializer(page, many=True).data)
        data = dict(api.validated(DelegateRegisterSerializer, data=request.data, context=self.get_serializer_context()))
        province = selectors.registration_province_get(
            user=request.user, conference=conference, province_pk=data.pop("province")
        )
        delegate = api.call_service(
            services.delegate_register, conference=conference, province=province, by=request.user, **data
        )
        delegate = (
            Delegate.objects.select_related("province", "unit").prefetch_related("unit__names").get(pk=delegate.pk)
        )
        return Response(DelegateSerializer(delegate).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The document's file.")
            for content_type in DOCUMENT_TYPES
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"documents/(?P<document_pk>[0-9]{1,18})",
        url_name="document",
        filter_backends=[],
    )
    def document(self, request, pk=None, document_pk=None):
        """A conference document's file (every signed-in account reads them, as on the page); 404 without one."""
        doc = selectors.document_get_for(user=request.user, pk=int(document_pk))
        if doc.conference_id != int(pk):
            raise api.ApiError(status_code=404, code="not_found")
        try:
            handle = doc.file.open("rb")
        except FileNotFoundError:
            raise api.ApiError(status_code=404, code="not_found") from None
        response = FileResponse(
            handle, as_attachment=True, filename=doc.original_name or doc.title, content_type=doc.content_type
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
