from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Periodic reports")

    def ready(self):
        from projects import entry_periods
        from reports import selectors

        # money corrections in a submitted report's window need the approver (projects.services)
        entry_periods.register_submission_lookup(selectors.submitted_report_covering)
