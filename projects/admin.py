from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong import cachekeys
from projects.models import (
    Attachment,
    Beneficiary,
    MoneyEntry,
    NationalPlanRegistration,
    Plan,
    Programme,
    ProgressUpdate,
    Project,
    ProjectAdjustment,
    ProjectTransition,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "decision", "start_year", "end_year"]
    search_fields = ["code", "name", "decision"]


@admin.register(Plan)
class PlanAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["province", "year", "fund", "planned_amount"]
    list_filter = ["year", "fund", "province__code_set"]
    search_fields = ["province__name"]
    list_select_related = ["province"]


@admin.register(NationalPlanRegistration)
class NationalPlanRegistrationAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["province", "plan_year", "deadline", "status", "registered_at", "project_count"]
    list_filter = ["plan_year", "status"]
    search_fields = ["province__name"]
    list_select_related = ["province"]


@admin.register(Beneficiary)
class BeneficiaryAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["name", "kind", "tax_code", "commune"]
    list_filter = ["kind"]
    search_fields = ["name", "tax_code"]
    list_select_related = ["commune__province"]
    raw_id_fields = ["commune"]


# Stacked, not tabular: a tabular inline gives its fields no label (axe-core: critical).
class MoneyEntryInline(admin.StackedInline):
    model = MoneyEntry
    extra = 0
    # every field naming another row by id: a select would list every money entry (and user) of the portal
    raw_id_fields = ["created_by", "corrects"]


# Stacked, not tabular: a tabular inline gives its fields no label (axe-core: critical).
class TransitionInline(admin.StackedInline):
    model = ProjectTransition
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "reason", "by", "at"]
    can_delete = False


@admin.register(Project)
class ProjectAdmin(cachekeys.BumpsDataVersion, SimpleHistoryAdmin):
    list_display = ["code", "title", "province", "plan_year", "fund", "status", "approved_support"]
    list_filter = ["status", "fund", "plan_year", "province__code_set", "activity__heading"]
    search_fields = ["code", "title", "search_text"]
    list_select_related = ["province"]
    raw_id_fields = ["beneficiaries", "commune", "created_by"]
    readonly_fields = ["version", "total_cost", "approved_at", "created_at", "updated_at"]
    inlines = [MoneyEntryInline, TransitionInline]


@admin.register(ProjectAdjustment)
class ProjectAdjustmentAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["project", "decision", "requested_by", "requested_at", "decided_by"]
    list_filter = ["decision"]
    search_fields = ["project__code", "reason"]
    list_select_related = ["project", "requested_by", "decided_by"]


@admin.register(MoneyEntry)
class MoneyEntryAdmin(cachekeys.BumpsDataVersion, SimpleHistoryAdmin):
    list_display = ["project", "kind", "amount", "date", "created_by"]
    list_filter = ["kind", "date"]
    search_fields = ["project__code", "note"]
    list_select_related = ["project", "created_by"]
    raw_id_fields = ["project"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(cachekeys.BumpsDataVersion, SimpleHistoryAdmin):
    list_display = ["project", "period", "completion_percent", "updated_by", "updated_at"]
    list_filter = ["period__kind", "period__year"]
    search_fields = ["project__code", "narrative"]
    list_select_related = ["project", "period", "updated_by"]
    raw_id_fields = ["project"]


@admin.register(Attachment)
class AttachmentAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["original_name", "project", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "project__code", "sha256"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "progress_update"]
