from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from conferences.models import (
    CoChair,
    Conclusion,
    ConclusionFollowUp,
    Conference,
    Delegate,
    Document,
    Participation,
    QuotedFigure,
    Recognition,
)
from khuyencong import admin_widgets


# Stacked, not tabular: a tabular inline gives its fields no label (axe-core: critical).
class CoChairInline(admin.StackedInline):
    model = CoChair
    extra = 0
    # Plain lists (29 provinces, 59 units), not autocomplete: its select2 boxes have no accessible name.


# Stacked, not tabular: a tabular inline gives its fields no label (axe-core: critical).
class QuotedFigureInline(admin.StackedInline):
    model = QuotedFigure
    extra = 0


@admin.register(Conference)
class ConferenceAdmin(SimpleHistoryAdmin):
    list_display = ["year", "roman", "number_inferred", "host_province", "date", "place", "status", "next_host"]
    list_filter = ["region", "status", "number_inferred", "host_province__code_set"]
    search_fields = ["title", "venue", "place", "host_province__name", "note"]
    list_select_related = ["host_province", "next_host"]
    formfield_overrides = admin_widgets.LABELLED
    # Plain lists (29 provinces, 59 units), not autocomplete: its select2 boxes have no accessible name.
    readonly_fields = ["closed_at", "closed_by", "regional_figures", "regional_figures_as_of"]
    inlines = [CoChairInline, QuotedFigureInline]


@admin.register(CoChair)
class CoChairAdmin(admin.ModelAdmin):
    list_display = ["full_name", "position", "conference", "order"]
    list_filter = ["conference__year"]
    search_fields = ["full_name", "position"]
    list_select_related = ["conference"]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["conference", "province", "unit"]
    list_filter = ["conference__year", "province__code_set"]
    search_fields = ["province__name", "unit__names__name"]
    list_select_related = ["conference", "province", "unit"]


@admin.register(Delegate)
class DelegateAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "position", "province", "conference", "registered_by", "registered_at"]
    list_filter = ["conference__year", "province"]
    search_fields = ["full_name", "position", "organisation", "unit__names__name"]
    list_select_related = ["conference", "province", "registered_by"]
    # Plain lists (29 provinces, 59 units), not autocomplete: its select2 boxes have no accessible name.
    raw_id_fields = ["registered_by"]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "conference", "province", "uploaded_by", "uploaded_at"]
    list_filter = ["kind", "conference__year"]
    search_fields = ["title", "original_name", "province__name"]
    list_select_related = ["conference", "province", "uploaded_by"]
    raw_id_fields = ["uploaded_by"]


@admin.register(QuotedFigure)
class QuotedFigureAdmin(admin.ModelAdmin):
    list_display = ["label", "period", "value", "out_of", "measure", "conference"]
    list_filter = ["measure", "conference__year"]
    search_fields = ["label", "source"]
    list_select_related = ["conference"]


@admin.register(Conclusion)
class ConclusionAdmin(admin.ModelAdmin):
    list_display = ["conference", "number", "text", "due_date", "for_all_provinces"]
    list_filter = ["conference__year", "for_all_provinces"]
    search_fields = ["text", "note"]
    list_select_related = ["conference"]
    filter_horizontal = ["provinces"]


@admin.register(ConclusionFollowUp)
class ConclusionFollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["conclusion", "province", "status", "updated_by", "updated_at"]
    list_filter = ["status", "conclusion__conference__year", "province"]
    search_fields = ["note", "province__name", "conclusion__text"]
    list_select_related = ["conclusion__conference", "province", "updated_by"]
    raw_id_fields = ["updated_by"]


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ["citation", "full_name", "position", "unit", "conference"]
    list_filter = ["conference__year"]
    search_fields = ["citation", "full_name", "position"]
    list_select_related = ["conference", "unit"]
    # Plain lists (29 provinces, 59 units), not autocomplete: its select2 boxes have no accessible name.
