from django import forms
from django.utils.translation import gettext_lazy as _

from monespace.core import identifiers
from monespace.core.forms import Form
from monespace.organizations.enums import Profile
from monespace.organizations.models import Membership

SCOPE_COMPANY, SCOPE_ESTABLISHMENTS = "company", "establishments"


class RightsForm(Form):
    """Habilitations of one attachment, at SIREN level or for chosen SIRETs."""

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

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishments"].queryset = company.establishments.order_by("siret")
        self.fields["establishments"].label_from_instance = lambda e: (
            f"{e.siret} — {e.display_name}, {e.city}"
        )
        for name in Membership.RIGHT_FIELDS:
            self.fields[name] = forms.BooleanField(
                label=Membership._meta.get_field(name).verbose_name.capitalize(), required=False
            )

    @classmethod
    def initial_for(cls, membership):
        establishments = list(membership.establishments.all())
        return {
            **membership.rights(),
            "scope": SCOPE_ESTABLISHMENTS if establishments else SCOPE_COMPANY,
            "establishments": establishments,
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == SCOPE_ESTABLISHMENTS and not cleaned.get("establishments"):
            self.add_error(
                "establishments", _("Choisissez au moins un établissement, ou toute l'entreprise.")
            )
        for view, edit in [
            ("can_view_training", "can_edit_training"),
            ("can_view_apprenticeship", "can_edit_apprenticeship"),
            ("can_view_professionalisation", "can_edit_professionalisation"),
        ]:
            if cleaned.get(edit):
                cleaned[view] = True  # entering implies viewing
        return cleaned

    def rights(self):
        return {name: self.cleaned_data.get(name, False) for name in Membership.RIGHT_FIELDS}

    def chosen_establishments(self):
        if self.cleaned_data["scope"] == SCOPE_COMPANY:
            return []
        return list(self.cleaned_data["establishments"])


class RefuseForm(Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=1000,
        help_text=_("Il sera envoyé à la personne qui a fait la demande."),
        error_messages={"required": _("Indiquez le motif du refus.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Indiquez le motif du refus."))
        return reason


class AttachmentRequestForm(Form):
    """ "Ajouter un rattachement": a company (SIREN) or an establishment (SIRET) and its number."""

    profile = forms.ChoiceField(label=_("Type"), choices=Profile.choices, widget=forms.RadioSelect)
    identifier = forms.CharField(
        label=_("SIRET / SIREN"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    number = forms.CharField(
        label=_("Numéro adhérent / organisme de formation"),
        max_length=20,
        help_text=_(
            "Il figure sur les courriers de l'OPCO. Si vous ne le connaissez pas, contactez-nous."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_identifier(self):
        return identifiers.clean_siret_or_siren(self.cleaned_data["identifier"])


class ActivationCodeForm(Form):
    profile = forms.ChoiceField(
        label=_("Profil indiqué en tête du courrier"),
        choices=[
            (Profile.MEMBER, _("SIREN — adhérent")),
            (Profile.PROVIDER, _("SIREN — prestataire")),
        ],
        widget=forms.RadioSelect,
    )
    code = forms.CharField(
        label=_("Code d'activation"),
        max_length=30,
        help_text=_("Tel qu'il figure sur le courrier, par exemple ABCD-EFGH-JKMN."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class InvitationForm(Form):
    """« Inviter une personne »: who, and the rights they will have (on the whole company; the
    scope can be narrowed once attached)."""

    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "invitation")
        super().__init__(*args, **kwargs)
        for name in Membership.RIGHT_FIELDS:
            self.fields[name] = forms.BooleanField(
                label=Membership._meta.get_field(name).verbose_name.capitalize(), required=False
            )

    def clean_last_name(self):
        from monespace.core.identifiers import clean_person_name

        return clean_person_name(self.cleaned_data["last_name"])

    def clean_first_name(self):
        from monespace.core.identifiers import clean_person_name

        return clean_person_name(self.cleaned_data["first_name"])

    def clean(self):
        cleaned = super().clean()
        for view, edit in [
            ("can_view_training", "can_edit_training"),
            ("can_view_apprenticeship", "can_edit_apprenticeship"),
            ("can_view_professionalisation", "can_edit_professionalisation"),
        ]:
            if cleaned.get(edit):
                cleaned[view] = True
        if not any(cleaned.get(name) for name in Membership.RIGHT_FIELDS):
            self.add_error(None, _("Donnez au moins un droit à la personne invitée."))
        return cleaned

    def rights(self):
        return {name: self.cleaned_data.get(name, False) for name in Membership.RIGHT_FIELDS}
