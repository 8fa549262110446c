from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from monespace.core import antivirus, identifiers
from monespace.core.formats import format_hours
from monespace.core.forms import DATE, Form, FrenchDecimalField, check_period, french_formfield
from monespace.core.uploads import check_upload
from monespace.dossiers.apprenticeship.pay import age_on
from monespace.dossiers.enums import (
    ContractType,
    DossierKind,
    DossierState,
    EmployeeCategory,
    PieceType,
    StateGroup,
)
from monespace.dossiers.kinds.training_action import TRAINING_ACTION
from monespace.dossiers.models import COST_FIELDS, Dossier, Employee, Module, TrainingAction

MONEY = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class NewDossierForm(Form):
    establishment = forms.ModelChoiceField(
        label=_("Établissement"), queryset=None, empty_label=None
    )

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments.select_related("company")
        self.fields["establishment"].label_from_instance = lambda e: (
            f"{e.display_name} — {e.siret} ({e.city})"
        )
        self.fields["establishment"].error_messages["invalid_choice"] = _(
            "Choisissez un établissement pour lequel vous pouvez saisir des demandes."
        )


TRAINING_STEP_FIELDS = [
    "internal_training",
    "provider_name",
    "provider_type",
    "provider_address",
    "provider_postal_code",
    "provider_city",
    "provider_siret",
    "provider_nda",
    "provider_contact",
    "provider_phone",
    "provider_email",
    "direct_payment",
    "title",
    "certification_code",
    "duration_hours",
    "start_date",
    "end_date",
    "modality",
    *[name for name, _label in COST_FIELDS],
    "comment",
]


class TrainingStepForm(forms.Form):
    """Step 1 « Formation »: the organisation and the action, on the dossier (title, dates,
    provider's name and SIRET) and on its training-action row (the rest). Everything may stay
    empty until transmission; what is typed must be well formed."""

    required_css_class = "required"
    widgets = {
        "start_date": DATE,
        "end_date": DATE,
        "comment": forms.Textarea(attrs={"rows": 3}),
        **{name: MONEY for name, _label in COST_FIELDS},
        "duration_hours": MONEY,
    }

    def __init__(self, data=None, *, dossier, **kwargs):
        kwargs.setdefault("label_suffix", "")
        on_dossier = [n for n in TRAINING_STEP_FIELDS if n in TRAINING_ACTION.dossier_fields]
        on_detail = [n for n in TRAINING_STEP_FIELDS if n not in on_dossier]
        initial = {
            **model_to_dict(dossier, fields=on_dossier),
            **model_to_dict(dossier.training, fields=on_detail),
        }
        super().__init__(data, initial=initial, **kwargs)
        fields = {
            **fields_for_model(
                Dossier,
                fields=on_dossier,
                widgets=self.widgets,
                labels={"title": _("intitulé de la formation")},
                formfield_callback=french_formfield,
            ),
            **fields_for_model(
                TrainingAction,
                fields=on_detail,
                widgets=self.widgets,
                formfield_callback=french_formfield,
            ),
        }
        self.fields = {name: fields[name] for name in TRAINING_STEP_FIELDS}
        # The models' own bounds (amounts and hours are never negative) apply as typed.
        for model, names in ((Dossier, on_dossier), (TrainingAction, on_detail)):
            for name in names:
                self.fields[name].validators += [
                    v
                    for v in model._meta.get_field(name).validators
                    if isinstance(v, MinValueValidator)
                ]
        for name, field in self.fields.items():
            field.required = False
            field.label = field.label[:1].upper() + field.label[1:]
            if name.startswith("cost_"):
                field.error_messages["min_value"] = _("Saisissez un montant positif ou nul.")
                field.error_messages["invalid"] = _(
                    "Saisissez un montant en euros, par exemple 1200,50."
                )
        self.fields["duration_hours"].error_messages["invalid"] = _(
            "Saisissez un nombre d'heures, par exemple 21."
        )
        self.fields["duration_hours"].error_messages["min_value"] = _(
            "Saisissez un nombre d'heures positif."
        )

    def clean_provider_siret(self):
        value = self.cleaned_data["provider_siret"]
        return identifiers.clean_siret(value) if value else ""

    def clean_provider_nda(self):
        value = self.cleaned_data["provider_nda"]
        return identifiers.clean_nda(value) if value else ""

    def clean_certification_code(self):
        value = identifiers.compact(self.cleaned_data["certification_code"])
        if (value and not (value.startswith("RNCP") or value.startswith("RS"))) or (
            value and not value.removeprefix("RNCP").removeprefix("RS").isdigit()
        ):
            raise ValidationError(
                _("Le code s'écrit RNCP ou RS suivi de chiffres, par exemple RNCP34567.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        check_period(self)
        for name, _label in COST_FIELDS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = Decimal("0.00")
        return cleaned

    def values(self):
        return {name: self.cleaned_data[name] for name in TRAINING_STEP_FIELDS}


class ProviderSearchForm(Form):
    q = forms.CharField(
        label=_("Rechercher un organisme de formation (nom ou SIRET)"),
        max_length=100,
        required=False,
    )


class ModuleForm(forms.ModelForm):
    required_css_class = "required"

    class Meta:
        model = Module
        fields = ["title", "hours", "start_date", "end_date", "cost"]
        formfield_callback = french_formfield
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "cost": MONEY,
            "hours": MONEY,
        }

    def __init__(self, *args, dossier=None, **kwargs):
        self.dossier = dossier
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "module")
        super().__init__(*args, **kwargs)
        self.fields["start_date"].required = False
        self.fields["end_date"].required = False
        self.fields["cost"].required = False
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]

    def clean(self):
        cleaned = super().clean()
        check_period(self)
        if cleaned.get("cost") is None:
            cleaned["cost"] = Decimal("0")
        # A module takes place during the action (its dates when they are known).
        start = self.dossier.start_date if self.dossier else None
        end = self.dossier.end_date if self.dossier else None
        for name in ("start_date", "end_date"):
            day = cleaned.get(name)
            if day and not self.has_error(name) and start and end and not start <= day <= end:
                self.add_error(
                    name,
                    _("Le module se déroule pendant l'action, du %(start)s au %(end)s.")
                    % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
                )
        return cleaned


class HoursMixin(forms.Form):
    """The hours a trainee follows: at least one, at most what the action lasts."""

    max_hours: Decimal | None = None
    hours_on_work_time = FrenchDecimalField(
        label=_("Heures sur le temps de travail"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        initial=0,
    )
    hours_off_work_time = FrenchDecimalField(
        label=_("Heures hors temps de travail"),
        min_value=0,
        max_digits=7,
        decimal_places=2,
        initial=0,
    )

    def clean(self):
        cleaned = super().clean()
        on, off = cleaned.get("hours_on_work_time"), cleaned.get("hours_off_work_time")
        if on is None or off is None:
            return cleaned
        total = on + off
        if total < 1:
            self.add_error(
                "hours_on_work_time",
                _("Indiquez les heures de formation du salarié (au moins une heure)."),
            )
        elif self.max_hours is not None and total > self.max_hours:
            self.add_error(
                "hours_on_work_time",
                _(
                    "%(total)s h au total : au plus la durée de l'action, modules compris "
                    "(%(max)s h)."
                )
                % {"total": format_hours(total), "max": format_hours(self.max_hours)},
            )
        return cleaned


class ExistingTraineeForm(HoursMixin, Form):
    """Several employees of the register at once, the hours typed once for all of them (those
    already on the dossier are not offered)."""

    employees = forms.ModelMultipleChoiceField(
        label=_("Salariés du registre"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un salarié.")},
    )

    def __init__(self, *args, company, dossier=None, max_hours=None, **kwargs):
        kwargs.setdefault("prefix", "existing")
        super().__init__(*args, **kwargs)
        self.max_hours = max_hours
        queryset = Employee.objects.filter(company=company).order_by("last_name", "first_name")
        if dossier is not None:
            queryset = queryset.exclude(trainings__dossier=dossier)
        self.fields["employees"].queryset = queryset
        self.fields["employees"].label_from_instance = lambda e: (
            f"{e.last_name} {e.first_name} ({e.birth_date:%d/%m/%Y})"
        )


# No employee of a company is younger (14 only for school-holiday jobs, never trained here).
MINIMUM_AGE = 15


class NewTraineeForm(HoursMixin, Form):
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE)
    job = forms.CharField(label=_("Emploi occupé"), max_length=150, required=False)
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", "—"), *EmployeeCategory.choices], required=False
    )
    contract = forms.ChoiceField(
        label=_("Contrat"), choices=[("", "—"), *ContractType.choices], required=False
    )

    def __init__(self, *args, max_hours=None, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        self.max_hours = max_hours

    def clean_last_name(self):
        return identifiers.clean_person_name(self.cleaned_data["last_name"])

    def clean_first_name(self):
        return identifiers.clean_person_name(self.cleaned_data["first_name"])

    def clean_birth_date(self):
        from django.utils import timezone

        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value >= today or value.year < today.year - 100:
            raise ValidationError(_("Saisissez une date de naissance plausible."))
        if age_on(value, today) < MINIMUM_AGE:
            raise ValidationError(
                _("Un salarié a au moins %(age)s ans : vérifiez la date de naissance.")
                % {"age": MINIMUM_AGE}
            )
        return value


class SubmitForm(Form):
    certified = forms.BooleanField(
        label=_(
            "Je certifie l'exactitude des informations de cette demande et m'engage à fournir les pièces "
            "justificatives demandées par l'OPCO."
        ),
        error_messages={"required": _("Cochez la déclaration pour transmettre le dossier.")},
    )


class DocumentForm(Form):
    """« Joindre des fichiers »: file, type of piece, title, comment."""

    file = forms.FileField(
        label=_("Fichier"), help_text=_("PDF, image ou document bureautique, 10 Mo au plus.")
    )
    piece_type = forms.ChoiceField(label=_("Type de pièce"), choices=PieceType.choices)
    title = forms.CharField(label=_("Titre du document"), max_length=200)
    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from django.conf import settings
        from django.template.defaultfilters import filesizeformat

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, image ou document bureautique, %(max)s au plus."
        ) % {"max": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        # Users cannot pose as the OPCO's letters.
        self.fields["piece_type"].choices = [
            c for c in PieceType.choices if c[0] != PieceType.LETTER
        ]

    refused = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = check_upload(upload)
        self.verdict = antivirus.scan(upload)
        if self.verdict.status == antivirus.INFECTED:
            self.refused = self.verdict
            raise ValidationError(
                _(
                    "Ce fichier contient un virus ou un programme malveillant : il est refusé. Faites "
                    "analyser votre poste, puis joignez un fichier sain."
                ),
                code="infected",
            )
        if self.verdict.status == antivirus.REFUSED:
            self.refused = self.verdict
            raise ValidationError(
                _(
                    "L'antivirus n'a pas pu analyser ce fichier en entier (trop volumineux ou trop "
                    "complexe) : il est refusé. Joignez une version plus simple, en PDF par exemple."
                ),
                code="unanalysable",
            )
        return upload


class DuplicateForm(Form):
    trainees = forms.ModelMultipleChoiceField(
        label=_("Salariés à reprendre dans le nouveau dossier"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainees"].queryset = dossier.trainees.select_related("employee")


SORTS = {
    "recent": ("-created_at", _("Les plus récents")),
    "start": ("start_date", _("Date de début")),
    "number": ("number", _("Numéro")),
    "title": ("title", _("Intitulé")),
}


class DossierFilterForm(Form):
    q = forms.CharField(
        label=_("Rechercher (numéro, intitulé, stagiaire)"), max_length=100, required=False
    )
    establishment = forms.TypedChoiceField(
        label=_("Établissement"), coerce=int, required=False, empty_value=None
    )
    dispositif = forms.ChoiceField(
        label=_("Dispositif"), choices=[("", _("Tous")), *DossierKind.choices], required=False
    )
    provider = forms.CharField(label=_("Organisme de formation"), max_length=100, required=False)
    start_from = forms.DateField(label=_("Début à partir du"), required=False, widget=DATE)
    start_to = forms.DateField(label=_("Début jusqu'au"), required=False, widget=DATE)
    state = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous")), *DossierState.choices], required=False
    )
    sort = forms.ChoiceField(
        label=_("Trier par"), choices=[(k, v[1]) for k, v in SORTS.items()], required=False
    )
    profile = forms.ChoiceField(
        label=_("Profil"),
        choices=[
            ("", _("Tous")),
            ("company", _("Entreprise")),
            ("provider", _("Organisme de formation")),
        ],
        required=False,
    )
    group = forms.ChoiceField(
        choices=[("", ""), *StateGroup.choices], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, establishments, **kwargs):
        """``establishments``: the establishments in the user's reach, already read; ``None``
        when there are too many to list: the establishment is then given by its SIRET."""
        super().__init__(*args, **kwargs)
        if establishments is None:
            del self.fields["establishment"]
            self.fields["siret"] = forms.CharField(
                label=_("SIRET de l'établissement"),
                max_length=20,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
            self.order_fields(["q", "siret"])
        else:
            self.fields["establishment"].choices = [
                ("", "---------"),
                *((e.pk, f"{e.display_name} ({e.siret})") for e in establishments),
            ]
            self.fields["establishment"].error_messages["invalid_choice"] = _(
                "Choisissez un établissement de la liste."
            )

    def clean_siret(self):
        value = self.cleaned_data["siret"]
        return identifiers.clean_siret(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_from"), cleaned.get("start_to")
        if start and end and end < start:
            self.add_error(
                "start_to", _("La date de fin doit être postérieure ou égale à la date de début.")
            )
        return cleaned


class ChangeRequestForm(Form):
    message = forms.CharField(
        label=_("Modification souhaitée"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


REFUSED_UPLOAD = "refused_document_upload"


def remember_refused_upload(request, form: DocumentForm, dossier) -> None:
    """A refused upload goes back to its page (post/redirect/get) with what was typed and the
    errors, to be shown next to the fields there (``document_form``)."""
    request.session[REFUSED_UPLOAD] = {
        "dossier": dossier.pk,
        "data": {
            name: str(form.data.get(name, ""))[:2000] for name in ("piece_type", "title", "comment")
        },
        "errors": {
            field: [error["message"] for error in errors]
            for field, errors in form.errors.get_json_data().items()
        },
    }


def document_form(request, dossier) -> DocumentForm:
    """The « Joindre des fichiers » form of a page: empty, or the refused upload's typed values
    with its errors next to the fields (once)."""
    from django.forms.utils import ErrorDict, ErrorList

    saved = request.session.pop(REFUSED_UPLOAD, None) if hasattr(request, "session") else None
    if not saved or saved.get("dossier") != dossier.pk:
        return DocumentForm()
    form = DocumentForm(data=saved.get("data", {}))
    form.full_clean()
    form._errors = ErrorDict(
        {
            field if field in form.fields or field == "__all__" else "__all__": ErrorList(messages)
            for field, messages in saved.get("errors", {}).items()
        }
    )
    return form
