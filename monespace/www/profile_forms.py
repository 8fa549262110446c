from django import forms
from django.utils.translation import gettext_lazy as _

from monespace.accounts.enums import Civility, NotificationTheme
from monespace.core.forms import Form
from monespace.core.identifiers import clean_person_name


class ProfileForm(Form):
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=Civility.choices, widget=forms.RadioSelect
    )
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    phone = forms.RegexField(
        label=_("Téléphone"),
        regex=r"^\+?[0-9 .\-()]{6,20}$",
        required=False,
        error_messages={
            "invalid": _("Saisissez un numéro de téléphone, par exemple 01 23 45 67 89.")
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    themes = forms.MultipleChoiceField(
        label=_("Je souhaite recevoir par e-mail les informations relatives à ces thématiques :"),
        choices=NotificationTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Quels que soient vos choix, vous recevez toujours les e-mails indispensables : "
            "demandes de rattachement à valider si vous êtes administrateur, décisions sur vos "
            "propres rattachements, accusés de transmission et liens de connexion."
        ),
    )

    def clean_last_name(self):
        return clean_person_name(self.cleaned_data["last_name"])

    def clean_first_name(self):
        return clean_person_name(self.cleaned_data["first_name"])


class SupportConsentForm(Form):
    consent = forms.BooleanField(
        label=_(
            "J'accepte que le support ou mon conseiller se connecte « en tant que » moi pour m'aider."
        ),
        required=False,
    )
