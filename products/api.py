"""API v1, selection of typical rural industrial products: rounds in scope with their figures, entries with
results once the council has decided; screening and a judge's sheet through the services.

Rounds follow the pages' rule (products.selectors.rounds_for): ministry staff all, a province its own local
rounds and every regional and national round, a judge the rounds they judge. Entries: a province its own,
a judge every entry of the rounds they judge. Marks are never listed: a mean appears once the council has
decided.
"""

from django.db.models import Avg, Count, Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from khuyencong import api
from products import selectors, services
from products.models import Entry, Level, ProductGroup, Round

DECIDED = (Round.Status.DECIDED, Round.Status.RECOGNISED)


class RoundSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", allow_null=True, default=None)
    region_name = serializers.CharField(source="region.name", allow_null=True, default=None)
    entries = serializers.IntegerField(source="entry_count", read_only=True, help_text="Entries of every province.")
    recognised = serializers.IntegerField(source="recognised_total", read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "level",
            "year",
            "title",
            "status",
            "province",
            "province_name",
            "region",
            "region_name",
            "host_province",
            "organiser",
            "threshold",
            "registration_deadline",
            "judging_starts",
            "judging_ends",
            "results_on",
            "project",
            "feeds",
            "recognised_count",
            "entries",
            "recognised",
        ]


class TallySerializer(serializers.Serializer):
    name = serializers.CharField()
    entries = serializers.IntegerField()
    recognised = serializers.IntegerField()
    share = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, help_text="Percent.")


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    block = serializers.CharField(source="block.code")
    name_vi = serializers.CharField()
    name_en = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=5, decimal_places=2)


class RoundDetailSerializer(RoundSerializer):
    criteria = serializers.SerializerMethodField()
    figures_by_province = serializers.SerializerMethodField(help_text="Provinces you see.")
    figures_by_group = serializers.SerializerMethodField(help_text="Provinces you see.")

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "criteria", "figures_by_province", "figures_by_group"]

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, round_) -> list[dict]:
        criteria = [c for b in selectors.blocks_with_criteria(round_=round_) for c in b.criteria.all()]
        return CriterionSerializer(criteria, many=True).data

    def _figures(self, round_) -> dict:
        key = f"_figures_{round_.pk}"
        if key not in self.context:
            self.context[key] = selectors.round_figures(user=self.context["request"].user, round_=round_)
        return self.context[key]

    @extend_schema_field(TallySerializer(many=True))
    def get_figures_by_province(self, round_) -> list[dict]:
        return TallySerializer(self._figures(round_)["provinces"], many=True).data

    @extend_schema_field(TallySerializer(many=True))
    def get_figures_by_group(self, round_) -> list[dict]:
        return TallySerializer(self._figures(round_)["groups"], many=True).data


class EntrySerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name")
    establishment = serializers.CharField(source="beneficiary.name")
    establishment_tax_code = serializers.CharField(source="beneficiary.tax_code")
    mean = serializers.SerializerMethodField(help_text="Mean of the judges' totals, once the council has decided.")
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id",
            "round",
            "code",
            "province",
            "province_name",
            "beneficiary",
            "establishment",
            "establishment_tax_code",
            "product_name",
            "is_set",
            "set_items",
            "group",
            "received_on",
            "status",
            "refusal_reason",
            "recognised",
            "promoted",
            "source_entry",
            "mean",
            "certificate",
            "version",
        ]

    def get_mean(self, entry) -> str | None:
        if entry.round.status not in DECIDED:
            return None
        mean = entry.sheets.filter(submitted_at__isnull=False).aggregate(m=Avg("total"))["m"]
        return None if mean is None else f"{mean:.2f}"

    def get_certificate(self, entry) -> dict | None:
        cert = getattr(entry, "certificate", None)
        if cert is None:
            return None
        return {
            "number": cert.number,
            "issued_on": cert.issued_on.isoformat(),
            "valid_until": cert.valid_until.isoformat(),
            "revoked_on": cert.revoked_on.isoformat() if cert.revoked_on else None,
        }


class RoundFilter(filters.FilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    level = filters.ChoiceFilter(choices=Level.choices)
    status = filters.ChoiceFilter(choices=Round.Status.choices)

    class Meta:
        model = Round
        fields = ["year", "level", "status"]


class EntryFilter(filters.FilterSet):
    round = filters.NumberFilter(field_name="round_id", min_value=1, max_value=api.MAX_ID)
    group = filters.ChoiceFilter(choices=ProductGroup.choices)
    status = filters.ChoiceFilter(choices=Entry.Status.choices)
    recognised = filters.BooleanFilter()

    class Meta:
        model = Entry
        fields = ["round", "group", "status", "recognised"]


class RoundViewSet(viewsets.ReadOnlyModelViewSet):
    """Selection rounds in your scope, newest first; the detail adds the score sheet and the figures."""

    filterset_class = RoundFilter
    ordering_fields = ["year", "level"]
    ordering = ["-year", "level"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        return (
            selectors.rounds_for(user=self.request.user)
            .prefetch_related("blocks")
            .annotate(
                entry_count=Count("entries", distinct=True),
                recognised_total=Count("entries", filter=Q(entries__recognised=True), distinct=True),
            )
        )

    def get_serializer_class(self):
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer


class ScreenSerializer(api.StrictSerializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    version = serializers.IntegerField(min_value=1, help_text="The entry's version you read.")


class SheetSerializer(api.StrictSerializer):
    points = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        help_text="Points per criterion id (the round's `criteria`).",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    submit = serializers.BooleanField(default=False, help_text="true: final; other judges' marks become visible.")


class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Entries in your scope (your province's, and every entry of the rounds you judge)."""

    serializer_class = EntrySerializer
    filterset_class = EntryFilter
    ordering_fields = ["code", "received_on"]
    ordering = ["round", "code"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        return selectors.entries_in_scope(user=self.request.user)

    def _entry(self, pk) -> Entry:
        return selectors.entry_get(user=self.request.user, pk=int(pk))

    @extend_schema(request=ScreenSerializer, responses={200: EntrySerializer})
    @action(detail=True, methods=["post"], filter_backends=[])
    def screen(self, request, pk=None):
        """Screening by the round's organisers: eligible needs a complete dossier, a refusal its reason."""
        entry = self._entry(pk)
        data = api.validated(ScreenSerializer, data=request.data, context=self.get_serializer_context())
        entry = api.call_service(
            services.entry_screen,
            entry=entry,
            eligible=data["eligible"],
            reason=data.get("reason", ""),
            expected_version=data["version"],
            by=request.user,
        )
        return Response(EntrySerializer(self._entry(entry.pk)).data)

    @extend_schema(request=SheetSerializer, responses={201: None})
    @action(detail=True, methods=["post"], filter_backends=[])
    def sheet(self, request, pk=None):
        """Your own score sheet for the entry (judges of its round): saved as a draft or submitted."""
        entry = self._entry(pk)
        data = api.validated(SheetSerializer, data=request.data, context=self.get_serializer_context())
        sheet = api.call_service(
            services.sheet_save,
            entry=entry,
            by=request.user,
            points=data["points"],
            comment=data.get("comment", ""),
            submit=data["submit"],
        )
        body = {"submitted": sheet.submitted_at is not None, "total": str(sheet.total) if sheet.total else None}
        return Response(body, status=status.HTTP_201_CREATED)
