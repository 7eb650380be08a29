from django.contrib import admin

from evaluation.models import Measure


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    """Where the ministry tunes the record's weights and thresholds (data, not code)."""

    list_display = ["code", "weight", "full_at", "zero_at", "position"]
    list_editable = ["weight", "full_at", "zero_at", "position"]
