from django.contrib import admin

from .models import SecurityEvent, StaffProfile, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "last_name", "first_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "last_name"]
    list_filter = ["is_staff", "is_active"]
    exclude = ["password"]
    readonly_fields = ["last_login", "date_joined", "password_changed_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "user"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role"]
    list_filter = ["role"]
    raw_id_fields = ["user"]
