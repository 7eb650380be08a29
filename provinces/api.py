"""API v1, reference data: provinces (dated, with successors), communes, units (dated names), activity contents.

Reference data is readable by every signed-in account and token; it is not province working data, so it is
not scoped (the province list page shows the same to everyone).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from khuyencong import api, api_filters
from provinces import selectors
from provinces.models import ActivityContent, CodeSet, Commune, Province, Unit, UnitName


class ProvinceSerializer(serializers.ModelSerializer):
    is_current = serializers.BooleanField(read_only=True)
    successor_code = serializers.IntegerField(source="successor.code", read_only=True, allow_null=True, default=None)
    predecessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Province
        fields = [
            "id",
            "code",
            "code_set",
            "name",
            "kind",
            "subregion",
            "valid_from",
            "valid_to",
            "is_current",
            "successor",
            "successor_code",
            "predecessors",
        ]


class ProvinceFilter(filters.FilterSet):
    code_set = filters.TypedChoiceFilter(choices=CodeSet.choices, coerce=int)
    current = api_filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull", label=_("current provinces only"))
    code = filters.NumberFilter(field_name="code", min_value=0, max_value=999)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Province
        fields = ["code_set", "code", "current"]


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """Provinces as dated units: the 2004-code provinces until 30 June 2025 and today's, with successors."""

    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilter
    ordering_fields = ["code", "name", "valid_from"]
    ordering = ["-code_set", "code"]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return Province.objects.select_related("successor").prefetch_related(
            Prefetch("predecessors", queryset=Province.objects.only("id", "successor_id"))
        )


class CommuneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commune
        fields = ["id", "code", "name", "division_type", "province"]


class CommuneFilter(filters.FilterSet):
    province = api.IdFilter(queryset=Province.objects.all())
    division_type = filters.CharFilter(max_length=20)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Commune
        fields = ["province", "division_type"]


class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    """Communes, wards and special zones (xã / phường / đặc khu) of today's provinces."""

    serializer_class = CommuneSerializer
    filterset_class = CommuneFilter
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    lookup_value_regex = "[0-9]{1,18}"
    queryset = Commune.objects.all()


class UnitNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitName
        fields = ["name", "name_en", "valid_from"]


class UnitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    names = UnitNameSerializer(many=True, read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "kind", "province", "name", "names", "valid_from", "valid_to"]


class UnitFilter(filters.FilterSet):
    province = api.IdFilter(queryset=Province.objects.all())
    kind = filters.ChoiceFilter(choices=Unit.Kind.choices)

    class Meta:
        model = Unit
        fields = ["province", "kind"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units (the ministry department, Departments of Industry and Trade, extension centres) with dated names."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["code", "kind"]
    ordering = ["kind", "code"]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.units_with_names()


class ActivityContentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityContent
        fields = ["id", "code", "name_vi", "name_en", "heading", "legal_basis", "valid_from", "valid_to"]


class ActivityContentFilter(filters.FilterSet):
    heading = filters.TypedChoiceFilter(choices=ActivityContent.Heading.choices, coerce=int)
    code = filters.CharFilter(max_length=20)

    class Meta:
        model = ActivityContent
        fields = ["heading", "code"]


class ActivityContentViewSet(viewsets.ReadOnlyModelViewSet):
    """Activity contents (nội dung hoạt động khuyến công) of Decree 45/2012 and 235/2025, in six headings."""

    serializer_class = ActivityContentSerializer
    filterset_class = ActivityContentFilter
    ordering_fields = ["code", "heading"]
    ordering = ["heading", "code"]
    lookup_value_regex = "[0-9]{1,18}"
    queryset = ActivityContent.objects.all()
