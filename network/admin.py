from django.contrib import admin

from network.models import Collaborator, Meeting, Need


@admin.register(Collaborator)
class CollaboratorAdmin(admin.ModelAdmin):
    list_display = ["full_name", "province", "status", "contract_start", "contract_end"]
    list_filter = ["status", "province"]
    autocomplete_fields = []
    raw_id_fields = ["communes", "account"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["province", "held_on"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["commune", "gathered_on", "status", "project"]
    raw_id_fields = ["commune", "collaborator", "establishment", "project"]
