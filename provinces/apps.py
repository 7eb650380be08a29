from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincesConfig(AppConfig):
    name = "provinces"
    verbose_name = _("Provinces, units and accounts")

    def ready(self):
        from khuyencong.cachekeys import ReferenceBumps

        from .models import ActivityContent, Province, Region, RegionMembership

        # Cached as reference data: the region's provinces (provinces.selectors.region_memberships), the merger
        # (provinces.selectors._merger_graph) and the filter forms drawn from provinces and activity contents.
        ReferenceBumps(Province, Region, RegionMembership, ActivityContent)
