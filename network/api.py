"""API v1, the collaborator network: collaborators and needs (read in scope; a need is recorded through the
service). Establishments are projects' `/api/v1/establishments/`, whose selector has the commune level too.
A collaborator's token reaches its own communes only."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from khuyencong import api
from network import selectors, services
from network.models import Collaborator, Need
from provinces.models import Commune, Province


class CollaboratorSerializer(serializers.ModelSerializer):
    monthly_fee = api.MoneyField(read_only=True)
    communes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Collaborator
        fields = [
            "id",
            "province",
            "full_name",
            "position",
            "communes",
            "contract_start",
            "contract_end",
            "monthly_fee",
            "status",
        ]


class CollaboratorFilter(filters.FilterSet):
    province = api.IdFilter(queryset=Province.objects.all(), method=api.filter_province)
    status = filters.ChoiceFilter(choices=Collaborator.Status.choices)

    class Meta:
        model = Collaborator
        fields = ["province", "status"]


class CollaboratorViewSet(viewsets.ReadOnlyModelViewSet):
    """Collaborators (cộng tác viên khuyến công) contracted by the provinces' extension centres."""

    serializer_class = CollaboratorSerializer
    filterset_class = CollaboratorFilter
    ordering_fields = ["full_name", "contract_start"]
    ordering = ["full_name", "id"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        return selectors.collaborators_for(user=self.request.user)


class NeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Need
        fields = [
            "id",
            "province",
            "commune",
            "collaborator",
            "establishment",
            "gathered_on",
            "description",
            "status",
            "project",
        ]
        read_only_fields = fields


class NeedWriteSerializer(api.StrictSerializer):
    commune = api.IdField(queryset=Commune.objects.all())
    gathered_on = serializers.DateField()
    description = serializers.CharField(max_length=5000)


class NeedFilter(filters.FilterSet):
    province = api.IdFilter(queryset=Province.objects.all(), method=api.filter_province)
    status = filters.ChoiceFilter(choices=Need.Status.choices)
    project = filters.NumberFilter(field_name="project", min_value=1, max_value=10**18 - 1)

    class Meta:
        model = Need
        fields = ["province", "status", "project"]


class NeedViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Needs and difficulties gathered in the communes; `project` is the proposed project a need became."""

    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    ordering_fields = ["gathered_on"]
    ordering = ["-gathered_on", "-id"]
    lookup_value_regex = api.ID_REGEX

    def get_queryset(self):
        return selectors.needs_for(user=self.request.user)

    @extend_schema(request=NeedWriteSerializer, responses={201: NeedSerializer})
    def create(self, request, *args, **kwargs):
        data = api.validated(NeedWriteSerializer, data=request.data, context=self.get_serializer_context())
        need = api.call_service(services.need_record, by=request.user, **data)
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)
