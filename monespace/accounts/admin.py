from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .enums import ContactRole
from .models import RegionalEntity, RegionalEntityDepartment, SecurityEvent, StaffProfile, User
from .perms import can_manage_contacts
from .selectors import contact_directory


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


class ContactsEditedByManagers:
    """OPCO managers see and change these pages without Django model permissions
    (``can_manage_contacts``); what they save is the home page's « Vos interlocuteurs », so
    every write clears this process's copy of it (the others follow within a minute, D38)."""

    def has_module_permission(self, request):
        return can_manage_contacts(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return can_manage_contacts(request.user) or super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_manage_contacts(request.user) or super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(contact_directory.clear)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(contact_directory.clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(contact_directory.clear)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(contact_directory.clear)


class RegionalEntityDepartmentInline(admin.TabularInline):
    model = RegionalEntityDepartment
    extra = 3

    def has_view_permission(self, request, obj=None):
        return can_manage_contacts(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj):
        return can_manage_contacts(request.user) or super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_manage_contacts(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_manage_contacts(request.user) or super().has_delete_permission(request, obj)


@admin.register(RegionalEntity)
class RegionalEntityAdmin(ContactsEditedByManagers, admin.ModelAdmin):
    list_display = ["name", "postal_code", "city", "phone", "email", "department_codes"]
    search_fields = ["name", "city", "departments__code"]
    inlines = [RegionalEntityDepartmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("departments")

    @admin.display(description=_("départements servis"))
    def department_codes(self, obj):
        return ", ".join(d.code for d in obj.departments.all())

    def has_add_permission(self, request):
        return can_manage_contacts(request.user) or super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return can_manage_contacts(request.user) or super().has_delete_permission(request, obj)


class StaffProfileForm(forms.ModelForm):
    contact_roles = forms.MultipleChoiceField(
        label=_("Interlocuteur pour"),
        choices=ContactRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Ce que la personne suit pour les entreprises de ses branches."),
    )
    branches = forms.CharField(
        label=_("Branches"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Une branche par ligne, écrite comme dans les données de l'OPCO."),
    )

    class Meta:
        model = StaffProfile
        fields = ["user", "role", "entity", "contact_roles", "branches", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "branches" in self.fields and not self.is_bound:
            self.initial["branches"] = "\n".join(self.instance.branches or [])

    def clean_contact_roles(self):
        chosen = set(self.cleaned_data["contact_roles"])
        return [role for role in ContactRole.values if role in chosen]

    def clean_branches(self):
        lines = (line.strip() for line in self.cleaned_data["branches"].splitlines())
        return list(dict.fromkeys(line for line in lines if line))


@admin.register(StaffProfile)
class StaffProfileAdmin(ContactsEditedByManagers, admin.ModelAdmin):
    """Managers change who is whose « interlocuteur »; adding a profile or changing its
    ``role`` (rights in the back office) needs the Django permissions (superusers)."""

    form = StaffProfileForm
    list_display = ["user", "role", "contact_role_list", "entity", "branch_list"]
    list_filter = ["role", "entity"]
    search_fields = ["user__email", "user__last_name", "user__first_name", "entity__name"]
    list_select_related = ["user", "entity"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [] if obj is None else ["user"]
        if not admin.ModelAdmin.has_change_permission(self, request, obj):
            readonly.append("role")
        return readonly

    @admin.display(description=_("interlocuteur pour"))
    def contact_role_list(self, obj):
        return ", ".join(str(label) for label in obj.contact_role_labels())

    @admin.display(description=_("branches"))
    def branch_list(self, obj):
        return ", ".join(obj.branches)
