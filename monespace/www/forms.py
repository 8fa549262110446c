from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from monespace.accounts.enums import Civility, NotificationTheme
from monespace.core import identifiers
from monespace.core.forms import Form
from monespace.organizations.enums import Profile
from monespace.referentials.models import CollectiveAgreement


class IdentityForm(Form):
    """Step 1 of "Créer mon compte": who you are, and the data-protection notice."""

    civility = forms.ChoiceField(
        label=_("Civilité"), choices=Civility.choices, widget=forms.RadioSelect
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        help_text=_("Votre adresse professionnelle : elle sera votre identifiant."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    support_consent = forms.BooleanField(
        label=_(
            "La connexion « en tant que » permet à votre conseiller ou au support de l'OPCO de se "
            "connecter à votre nom pour vous aider. En l'acceptant, vous avez conscience qu'il aura "
            "visibilité sur toutes les données auxquelles vous avez vous-même accès et vous vous "
            "engagez à en tenir informées les personnes concernées. Vous pourrez retirer cet accord "
            "à tout moment dans votre profil."
        ),
        required=False,
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_last_name(self):
        return _clean_name(self.cleaned_data["last_name"])

    def clean_first_name(self):
        return _clean_name(self.cleaned_data["first_name"])


def _clean_name(value):
    return identifiers.clean_person_name(value)


class ThemesForm(Form):
    """Step 2: the themes the user wants e-mails about."""

    themes = forms.MultipleChoiceField(
        label=_(
            "Je souhaite être destinataire de toutes les informations relatives à ces thématiques :"
        ),
        choices=NotificationTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Quels que soient vos choix, vous recevez toujours les e-mails indispensables : "
            "demandes de rattachement à valider si vous êtes administrateur, décisions sur vos "
            "propres rattachements, accusés de transmission et liens de connexion."
        ),
    )


class AttachmentForm(Form):
    """Step 3: "Je suis rattaché(e) à" a member company or a training organisation."""

    profile = forms.ChoiceField(label=_("Type"), choices=Profile.choices, widget=forms.RadioSelect)
    identifier = forms.CharField(
        label=_("SIRET / SIREN"),
        max_length=30,
        help_text=_(
            "14 chiffres pour un établissement (SIRET), 9 chiffres pour une entreprise (SIREN)."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_identifier(self):
        return identifiers.clean_siret_or_siren(self.cleaned_data["identifier"])


class NumberForm(Form):
    """Step 4 (known establishment): the adhérent / organisme de formation number."""

    number = forms.CharField(
        label=_("Numéro adhérent / organisme de formation"),
        max_length=20,
        help_text=_(
            "Il figure sur les courriers et les factures de l'OPCO, par exemple 12927.001."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class IdccForm(Form):
    """Step 4 (establishment unknown to the OPCO but active at INSEE): the IDCC."""

    idcc = forms.CharField(
        label=_("IDCC (identifiant de la convention collective)"),
        max_length=10,
        help_text=_("4 chiffres, indiqués sur les bulletins de paie, par exemple 1486."),
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                # The agreement's title appears as it is typed (www:idcc_title).
                "hx-get": reverse_lazy("www:idcc_title"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#idcc-title",
            }
        ),
    )

    def clean_idcc(self):
        idcc = identifiers.clean_idcc(self.cleaned_data["idcc"])
        self.agreement = CollectiveAgreement.objects.in_force().filter(idcc=idcc).first()
        if self.agreement is None:
            raise ValidationError(
                _(
                    "Cet IDCC ne figure pas dans la liste des conventions collectives. Vérifiez-le sur "
                    "un bulletin de paie ; en cas de doute, contactez l'OPCO."
                ),
                code="idcc_unknown",
            )
        return idcc


class NewPasswordForm(Form):
    """ "Changer votre mot de passe": the rules are shown as a live checklist."""

    new_password1 = forms.CharField(
        label=_("Nouveau mot de passe"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "data-password-input": ""}
        ),
    )
    new_password2 = forms.CharField(
        label=_("Confirmer le nouveau mot de passe"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password", "data-password-confirm": ""}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Les deux mots de passe ne correspondent pas."))
        return cleaned
