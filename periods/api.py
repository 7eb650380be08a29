"""API v1: reporting periods with their data windows (Decree 09/2019). Progress is entered per period;
the periods listed are those generated (by the sweep or a first entry), each with the dates it was given."""

from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from khuyencong import api
from periods.models import PeriodKind, ReportingPeriod


class ReportingPeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "kind", "year", "number", "label", "starts_on", "ends_on", "deadline", "entry_closes_on"]


class ReportingPeriodFilter(filters.FilterSet):
    year = filters.NumberFilter(min_value=2000, max_value=2100)
    kind = filters.ChoiceFilter(choices=PeriodKind.choices)

    class Meta:
        model = ReportingPeriod
        fields = ["year", "kind"]


class ReportingPeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting periods with their data windows (Decree 09/2019): progress is entered per period."""

    serializer_class = ReportingPeriodSerializer
    filterset_class = ReportingPeriodFilter
    ordering_fields = ["ends_on"]
    ordering = ["-ends_on", "kind"]
    lookup_value_regex = api.ID_REGEX
    queryset = ReportingPeriod.objects.all()
