from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from khuyencong import cachekeys
from provinces import api_tokens
from provinces.models import (
    ActivityContent,
    ApiToken,
    Commune,
    Province,
    Region,
    RegionMembership,
    Unit,
    UnitName,
    User,
)


# Stacked, not tabular: a tabular inline gives its fields no label (axe-core: critical).
class RegionMembershipInline(admin.StackedInline):
    model = RegionMembership
    extra = 0


@admin.register(Province)
class ProvinceAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["code", "code_set", "name", "kind", "valid_from", "valid_to", "successor"]
    list_filter = ["code_set", "kind", "region_memberships__region"]
    search_fields = ["name", "code"]
    list_select_related = ["successor"]
    inlines = [RegionMembershipInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name"]


@admin.register(RegionMembership)
class RegionMembershipAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["province", "region", "valid_from", "valid_to", "is_inferred"]
    list_filter = ["region", "is_inferred"]
    search_fields = ["province__name"]
    list_select_related = ["province", "region"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["division_type", "province"]
    search_fields = ["name", "code"]
    list_select_related = ["province"]


# Stacked, not tabular: a tabular inline gives its fields no label (axe-core: critical).
class UnitNameInline(admin.StackedInline):
    model = UnitName
    extra = 0


@admin.register(Unit)
class UnitAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "valid_from", "valid_to"]
    list_filter = ["kind", "province__code_set"]
    search_fields = ["code", "names__name", "province__name"]
    list_select_related = ["province"]
    inlines = [UnitNameInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("names")


@admin.register(ActivityContent)
class ActivityContentAdmin(cachekeys.BumpsDataVersion, admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "heading", "legal_basis", "valid_from", "valid_to"]
    list_filter = ["heading", "legal_basis"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "is_staff", "unit__province"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["unit__province"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role in the portal"), {"fields": ("role", "unit")}),
        (_("Signature on documents"), {"fields": ("job_title", "signing_authority", "head_title")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Role in the portal"), {"fields": ("role", "unit")}),)
    # Plain lists (29 provinces, 59 units), not autocomplete: its select2 boxes have no accessible name.


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on /api/tokens/ or with `manage.py issue_api_token`; here they are watched and revoked."""

    list_display = ["name", "user", "prefix", "can_write", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["can_write", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "can_write", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_tokens.api_token_revoke(token=token, by=request.user)
        self.message_user(request, _("Tokens revoked."))
