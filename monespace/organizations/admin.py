from django.contrib import admin

from .models import Company, Establishment, KnownContact, Membership


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["siren", "name", "state", "naf"]
    search_fields = ["siren", "name"]
    list_filter = ["state"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["siret", "name", "city", "state", "member_number", "provider_number"]
    search_fields = ["siret", "name", "member_number", "provider_number"]
    list_filter = ["state", "is_head_office"]
    raw_id_fields = ["company"]
    list_select_related = ["company"]


@admin.register(KnownContact)
class KnownContactAdmin(admin.ModelAdmin):
    list_display = ["email", "establishment", "profile"]
    search_fields = ["email", "establishment__siret"]
    raw_id_fields = ["establishment"]
    list_select_related = ["establishment__company"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "profile", "status", "is_admin"]
    list_filter = ["status", "profile"]
    search_fields = ["user__email", "company__siren"]
    raw_id_fields = ["user", "company", "requested_establishment", "decided_by"]
    filter_horizontal = ["establishments"]
    list_select_related = ["user", "company"]
