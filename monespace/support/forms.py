from django import forms
from django.utils.translation import gettext_lazy as _

from monespace.core import identifiers
from monespace.core.forms import Form

from .models import ContactRequest


class ContactForm(forms.ModelForm):
    """« Demandez à être rappelé »."""

    required_css_class = "required"
    consent = forms.BooleanField(
        label=_("J'accepte les conditions générales d'utilisation des données personnelles."),
        error_messages={
            "required": _("Votre accord est nécessaire pour que nous puissions vous rappeler.")
        },
    )

    class Meta:
        model = ContactRequest
        fields = [
            "first_name",
            "last_name",
            "email",
            "siret",
            "region",
            "sector",
            "phone",
            "company_size",
            "subject",
            "message",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 4}), "company_size": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]
        self.fields["company_size"].choices = [
            c for c in self.fields["company_size"].choices if c[0]
        ]

    def clean_siret(self):
        return identifiers.clean_siret(self.cleaned_data["siret"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        digits = "".join(c for c in phone if c.isdigit())
        if not 9 <= len(digits) <= 15:
            raise forms.ValidationError(
                _("Saisissez un numéro de téléphone, par exemple 01 23 45 67 89.")
            )
        return phone.strip()


class SupportAccessForm(Form):
    reason = forms.CharField(
        label=_("Motif de la connexion « en tant que »"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de la connexion.")},
    )
