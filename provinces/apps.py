from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincesConfig(AppConfig):
    name = "provinces"
    verbose_name = _("Provinces, units and accounts")

    def ready(self):
        from khuyencong.cachekeys import ReferenceBumps

        from .models import Province, Region, RegionMembership

        # The region's provinces are cached as reference data (provinces.selectors.region_memberships).
        ReferenceBumps(Province, Region, RegionMembership)
