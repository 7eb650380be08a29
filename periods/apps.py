from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeriodsConfig(AppConfig):
    name = "periods"
    verbose_name = _("Reporting calendar")

    def ready(self):
        from khuyencong.cachekeys import ReferenceBumps

        from .models import CutoffRule, ReportingPeriod

        # The calendar is cached as reference data (periods.selectors.calendar): a rule or a stored period
        # changed anywhere (services, admin, commands) makes it stale.
        ReferenceBumps(CutoffRule, ReportingPeriod)
