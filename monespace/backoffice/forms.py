from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monespace.core import identifiers
from monespace.core.formats import format_euros
from monespace.core.forms import DATE, Form, FrenchDecimalField, check_period
from monespace.dossiers.enums import DossierKind, DossierState, PieceType


class QueueFilterForm(Form):
    q = forms.CharField(label=_("Numéro, entreprise ou SIRET"), max_length=100, required=False)
    state = forms.ChoiceField(
        label=_("État"),
        choices=[
            ("", _("À instruire")),
            *[c for c in DossierState.choices if c[0] != DossierState.DRAFT],
        ],
        required=False,
    )
    assigned = forms.ChoiceField(
        label=_("Attribution"),
        choices=[("", _("Tous")), ("me", _("Mes dossiers")), ("none", _("Non attribués"))],
        required=False,
    )
    branch = forms.CharField(label=_("Branche"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Dispositif"), choices=[("", _("Tous")), *DossierKind.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Ordre"),
        choices=[
            ("", _("Les plus anciens d'abord")),
            ("echeance", _("Échéance de décision (contrats d'apprentissage)")),
        ],
        required=False,
    )


class RequestDocumentsForm(Form):
    pieces = forms.MultipleChoiceField(
        label=_("Pièces manquantes"),
        choices=[c for c in PieceType.choices if c[0] not in (PieceType.LETTER, PieceType.OTHER)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other = forms.CharField(label=_("Autre pièce"), max_length=200, required=False)
    due_date = forms.DateField(label=_("À fournir avant le"), widget=DATE)
    message = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_due_date(self):
        value = self.cleaned_data["due_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("Choisissez une date à venir."))
        return value

    def clean(self):
        cleaned = super().clean()
        labels = dict(PieceType.choices)
        pieces = [str(labels[p]) for p in cleaned.get("pieces", [])]
        if cleaned.get("other"):
            pieces.append(cleaned["other"].strip())
        if not pieces and "pieces" not in self.errors:
            self.add_error("pieces", _("Indiquez au moins une pièce."))
        cleaned["piece_labels"] = pieces
        return cleaned


class ApproveForm(Form):
    """Amounts granted per cost line, never above what was requested."""

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        # The branch's rules give the same figures as the user's estimate (dossiers/funding).
        estimated = {}
        if dossier.kind == DossierKind.TRAINING_ACTION:
            from monespace.dossiers.funding.services import estimate_for

            estimate = estimate_for(dossier)
            if estimate is not None and estimate.complete:
                estimated = estimate.covered
        for name, label, requested in dossier.spec.requested_lines(dossier):
            if requested:
                help_text = _("Demandé : %(amount)s") % {"amount": format_euros(requested)}
                if name in estimated:
                    help_text += " — " + _("selon les règles de la branche : %(amount)s") % {
                        "amount": format_euros(estimated[name])
                    }
                self.fields[name] = FrenchDecimalField(
                    label=label,
                    min_value=0,
                    max_value=requested,
                    decimal_places=2,
                    max_digits=12,
                    initial=estimated.get(name, requested),
                    widget=forms.TextInput,
                    help_text=help_text,
                    error_messages={
                        "max_value": _(
                            "Le montant accordé ne peut pas dépasser le montant demandé (%(amount)s)."
                        )
                        % {"amount": format_euros(requested)},
                        "min_value": _("Saisissez un montant positif ou nul."),
                        "invalid": _("Saisissez un montant en euros, par exemple 1200,50."),
                    },
                )

        if dossier.kind in (
            DossierKind.APPRENTICESHIP,
            DossierKind.PROFESSIONALISATION,
            DossierKind.PRO_A,
        ):
            # The contract's number in the ministry's deposit, now or later.
            self.fields["deca_number"] = forms.CharField(
                label=_("N° de dépôt (DECA)"),
                max_length=20,
                required=False,
                help_text=_("15 caractères ; il peut aussi être enregistré plus tard."),
            )

    def clean_deca_number(self):
        value = self.cleaned_data["deca_number"]
        return identifiers.clean_deca_number(value) if value else ""

    def granted(self):
        return {name: self.cleaned_data[name] for name in self.fields if name != "deca_number"}


class DepositForm(Form):
    """The contract's number in the ministry's deposit, received after the decision."""

    deca_number = forms.CharField(
        label=_("N° de dépôt (DECA)"),
        max_length=20,
        help_text=_("15 caractères, par exemple 075202609NC0012."),
    )

    def clean_deca_number(self):
        return identifiers.clean_deca_number(self.cleaned_data["deca_number"])


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Indiquez le motif du refus.")},
    )


class CloseForm(Form):
    reason = forms.CharField(
        label=_("Motif de la clôture (obligatoire si des pièces attendues manquent)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de l'annulation.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)


class StaffChangeForm(Form):
    title = forms.CharField(label=_("Intitulé de la formation"), max_length=255)
    start_date = forms.DateField(label=_("Du"), widget=DATE)
    end_date = forms.DateField(label=_("Au"), widget=DATE)
    duration_hours = FrenchDecimalField(
        label=_("Durée (heures)"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput,
        error_messages={"invalid": _("Saisissez un nombre d'heures, par exemple 21 ou 10,5.")},
    )
    message = forms.CharField(
        label=_("Motif de la modification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez le motif de la modification.")},
    )

    def clean(self):
        cleaned = super().clean()
        check_period(self)
        return cleaned


class AnnouncementForm(forms.ModelForm):
    required_css_class = "required"

    class Meta:
        from monespace.notifications.models import Announcement

        model = Announcement
        fields = ["title", "body", "audience", "branch", "published_from", "published_until"]
        widgets = {
            "published_from": DATE,
            "published_until": DATE,
            "body": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("published_from"), cleaned.get("published_until")
        if start and end and end < start:
            self.add_error(
                "published_until",
                _("La date de fin doit être postérieure ou égale à la date de début."),
            )
        return cleaned
