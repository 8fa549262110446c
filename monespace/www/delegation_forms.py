from django import forms
from django.utils.translation import gettext_lazy as _

from monespace.core import identifiers
from monespace.core.forms import Form
from monespace.organizations.models import DelegateKind, Delegation

from .administration_forms import SCOPE_COMPANY, SCOPE_ESTABLISHMENTS


class DelegationRequestForm(Form):
    """An organisation's administrator asks to be attached to a client company."""

    delegate = forms.ModelChoiceField(label=_("Mon organisme"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(
        label=_("En tant que"), choices=DelegateKind.choices, widget=forms.RadioSelect
    )
    identifier = forms.CharField(
        label=_("SIREN ou SIRET de l'entreprise cliente"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = organisations
        self.fields["delegate"].label_from_instance = lambda c: f"{c.name} ({c.siren})"

    def clean_identifier(self):
        return identifiers.clean_siret_or_siren(self.cleaned_data["identifier"])


class DelegationScopeForm(Form):
    """The scope a company grants an organisation: establishments, dispositifs, view or enter."""

    scope = forms.ChoiceField(
        label=_("Périmètre"),
        choices=[
            (SCOPE_COMPANY, _("Toute l'entreprise (SIREN)")),
            (SCOPE_ESTABLISHMENTS, _("Les établissements choisis (SIRET)")),
        ],
        widget=forms.RadioSelect,
    )
    establishments = forms.ModelMultipleChoiceField(
        label=_("Établissements"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, delegation, **kwargs):
        super().__init__(*args, **kwargs)
        self.delegation = delegation
        self.fields["establishments"].queryset = delegation.company.establishments.order_by("siret")
        self.fields["establishments"].label_from_instance = lambda e: (
            f"{e.siret} — {e.display_name}, {e.city}"
        )
        for name in Delegation.SCOPE_FIELDS:
            if name == "apprenticeship_mandate" and delegation.kind != DelegateKind.CFA:
                continue  # the « mandat de gestion » is given to a CFA only
            self.fields[name] = forms.BooleanField(
                label=Delegation._meta.get_field(name).verbose_name.capitalize(), required=False
            )

    @classmethod
    def initial_for(cls, delegation):
        establishments = list(delegation.establishments.all())
        return {
            **delegation.scope(),
            "scope": SCOPE_ESTABLISHMENTS if establishments else SCOPE_COMPANY,
            "establishments": establishments,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == SCOPE_ESTABLISHMENTS and not cleaned.get("establishments"):
            self.add_error(
                "establishments", _("Choisissez au moins un établissement, ou toute l'entreprise.")
            )
        if cleaned.get("apprenticeship_mandate"):
            cleaned["can_edit_apprenticeship"] = True
        for view, edit in [
            ("can_view_training", "can_edit_training"),
            ("can_view_apprenticeship", "can_edit_apprenticeship"),
            ("can_view_professionalisation", "can_edit_professionalisation"),
        ]:
            if cleaned.get(edit):
                cleaned[view] = True
        return cleaned

    def scope_values(self):
        return {name: bool(self.cleaned_data.get(name)) for name in Delegation.SCOPE_FIELDS}

    def chosen_establishments(self):
        if self.cleaned_data["scope"] == SCOPE_COMPANY:
            return []
        return list(self.cleaned_data["establishments"])
