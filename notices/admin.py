from django.contrib import admin

from notices.models import DigestLog, Heartbeat, Notice, Preference, ReminderRule


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "target_label", "created_at", "read_at", "email", "emailed_at"]
    list_filter = ["kind", "email"]
    search_fields = ["recipient__username", "event_key", "target_label"]
    readonly_fields = ["event_key", "created_at", "emailed_at", "email_claimed_at"]


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    """The reminder schedule is data: administrators change the days here."""

    list_display = ["subject", "offset_days", "audience", "very_late", "active"]
    list_editable = ["active"]


admin.site.register(Preference)
admin.site.register(DigestLog)
admin.site.register(Heartbeat)
