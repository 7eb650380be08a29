from django.contrib import admin

from khuyencong import cachekeys
from periods.models import CutoffRule, ReportingPeriod


@admin.register(CutoffRule)
class CutoffRuleAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["kind", "end_day", "submission_days", "entry_closes_days", "valid_from", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["legal_basis"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "number", "starts_on", "ends_on", "deadline", "entry_closes_on"]
    list_filter = ["kind", "year"]
    search_fields = ["year"]
