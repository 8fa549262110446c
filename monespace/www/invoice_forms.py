"""The invoice deposit form (seed 003's invoice model): one amount and TVA rate per line that
may be invoiced, the salaries per trainee (hourly cost × hours attended), the invoice and its
supporting pieces, and the certification of the seed's model."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core import antivirus
from monespace.core.formats import format_euros, format_hours
from monespace.core.forms import DATE, Form, FrenchDecimalField, check_date
from monespace.core.uploads import check_upload
from monespace.invoices.billing import LineInput, PieceInput
from monespace.invoices.lines import PEDAGOGIC_LINES, Billable
from monespace.invoices.models import InvoicePieceType
from monespace.organizations.enums import Profile

CENT = Decimal("0.01")
VAT_RATES = [
    ("20", "20 %"),
    ("10", "10 %"),
    ("5.5", "5,5 %"),
    ("2.1", "2,1 %"),
    ("0", gettext_lazy("0 % (exonéré ou non assujetti)")),
]
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal(0), "required": False}


def money_field(label: str, **kwargs) -> FrenchDecimalField:
    return FrenchDecimalField(
        label=label,
        error_messages={
            "invalid": _("Saisissez un montant, par exemple 1 450,00."),
            "min_value": _("Le montant ne peut pas être négatif."),
            "max_digits": _("Ce montant est trop grand."),
            "max_whole_digits": _("Ce montant est trop grand."),
            "max_decimal_places": _("Un montant a au plus deux décimales."),
        },
        **{**MONEY, **kwargs},
    )


class InvoiceForm(Form):
    number = forms.CharField(
        label=gettext_lazy("Numéro de facture"),
        max_length=40,
        help_text=gettext_lazy("Tel qu'il figure sur votre facture."),
    )
    issued_on = forms.DateField(label=gettext_lazy("Date de la facture"), widget=DATE)
    invoice_file = forms.FileField(
        label=gettext_lazy("Facture (PDF)"),
        help_text=gettext_lazy("Votre facture à l'attention de l'OPCO, au format PDF."),
    )
    attendance_file = forms.FileField(label=gettext_lazy("Feuilles d'émargement"), required=False)
    completion_file = forms.FileField(
        label=gettext_lazy("Certificat de réalisation"), required=False
    )
    certify = forms.BooleanField(
        label=gettext_lazy(
            "Je certifie sincères et exactes les informations ci-dessus, détenir tous les "
            "justificatifs des frais demandés et les conserver à la disposition de l'OPCO "
            "pendant au moins 10 ans."
        ),
        error_messages={"required": gettext_lazy("Cochez cette case pour déposer la facture.")},
    )

    def __init__(self, *args, lines: list[Billable], trainees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.billables = lines
        self.trainees = list(trainees)
        self.verdicts: dict[str, antivirus.Verdict] = {}
        self.content_types: dict[str, str] = {}
        for line in lines:
            self.fields[f"line_{line.code}"] = money_field(
                _("%(label)s — montant HT") % {"label": line.label},
                help_text=line.help,
            )
            self.fields[f"line_{line.code}_vat"] = forms.TypedChoiceField(
                label=_("Taux de TVA (%(label)s)") % {"label": line.label},
                choices=VAT_RATES,
                coerce=Decimal,
                initial="0" if line.payee.profile == Profile.MEMBER else "20",
                error_messages={"invalid_choice": _("Choisissez un taux de TVA de la liste.")},
            )
        if self.pays_salaries:
            for trainee in self.trainees:
                name = f"{trainee.employee.last_name} {trainee.employee.first_name}"
                self.fields[f"pay_{trainee.pk}_hourly"] = money_field(
                    _("Salaire horaire chargé de %(name)s") % {"name": name}
                )
                self.fields[f"pay_{trainee.pk}_hours"] = FrenchDecimalField(
                    label=_("Heures de présence effective de %(name)s") % {"name": name},
                    max_digits=7,
                    decimal_places=2,
                    min_value=Decimal(0),
                    required=False,
                    error_messages={"invalid": _("Saisissez un nombre d'heures, par exemple 21.")},
                )
        if self.company_pedagogic:
            self.fields["receipted_file"] = forms.FileField(
                label=_("Facture acquittée de l'organisme de formation"),
                help_text=_(
                    "Sans subrogation de paiement, joignez la facture de l'organisme acquittée."
                ),
            )

    @property
    def pays_salaries(self) -> bool:
        return any(line.code == "cost_pay" for line in self.billables)

    @property
    def company_pedagogic(self) -> bool:
        return any(
            line.code in PEDAGOGIC_LINES and line.payee.profile == Profile.MEMBER
            for line in self.billables
        )

    def line_rows(self):
        """(billable, amount field, TVA field) for the template."""
        return [
            (line, self[f"line_{line.code}"], self[f"line_{line.code}_vat"])
            for line in self.billables
        ]

    def pay_rows(self):
        if not self.pays_salaries:
            return []
        return [(t, self[f"pay_{t.pk}_hourly"], self[f"pay_{t.pk}_hours"]) for t in self.trainees]

    def clean_number(self) -> str:
        number = " ".join(self.cleaned_data["number"].split())
        if not number:
            raise ValidationError(_("Saisissez le numéro de la facture."))
        return number

    def clean_issued_on(self):
        value = self.cleaned_data["issued_on"]
        check_date(value)
        if value > timezone.localdate():
            raise ValidationError(_("La date de la facture ne peut pas être dans le futur."))
        return value

    def _piece(self, name: str, *, pdf_only: bool):
        upload = self.cleaned_data.get(name)
        if not upload:
            return upload
        content_type = check_upload(upload)
        if pdf_only and content_type != "application/pdf":
            raise ValidationError(_("La facture se dépose au format PDF."))
        if not (content_type == "application/pdf" or content_type.startswith("image/")):
            raise ValidationError(_("Ce justificatif se dépose en PDF ou en image (JPEG, PNG)."))
        verdict = antivirus.scan(upload)
        if verdict.status == antivirus.INFECTED:
            raise ValidationError(
                _("Ce fichier contient un virus ou un programme malveillant : il est refusé.")
            )
        if verdict.status == antivirus.REFUSED:
            raise ValidationError(
                _("Ce fichier n'a pas pu être analysé par l'antivirus : déposez un autre fichier.")
            )
        self.verdicts[name], self.content_types[name] = verdict, content_type
        return upload

    def clean_invoice_file(self):
        return self._piece("invoice_file", pdf_only=True)

    def clean_attendance_file(self):
        return self._piece("attendance_file", pdf_only=False)

    def clean_completion_file(self):
        return self._piece("completion_file", pdf_only=False)

    def clean_receipted_file(self):
        return self._piece("receipted_file", pdf_only=False)

    def clean(self):
        cleaned = super().clean()
        details = []
        if self.pays_salaries:
            total = Decimal(0)
            for trainee in self.trainees:
                hourly = cleaned.get(f"pay_{trainee.pk}_hourly")
                hours = cleaned.get(f"pay_{trainee.pk}_hours")
                if hourly is None and hours is None:
                    continue
                if hourly is None or hours is None:
                    missing = (
                        f"pay_{trainee.pk}_hourly" if hourly is None else f"pay_{trainee.pk}_hours"
                    )
                    self.add_error(
                        missing, _("Saisissez le salaire horaire et les heures de ce stagiaire.")
                    )
                    continue
                planned = (trainee.hours_on_work_time or 0) + (trainee.hours_off_work_time or 0)
                if planned and hours > planned:
                    self.add_error(
                        f"pay_{trainee.pk}_hours",
                        _("Plus d'heures que prévu pour ce stagiaire (%(hours)s h).")
                        % {"hours": format_hours(planned)},
                    )
                    continue
                amount = (hourly * hours).quantize(CENT, rounding=ROUND_HALF_UP)
                total += amount
                details.append(
                    {
                        "trainee": trainee.pk,
                        "name": f"{trainee.employee.last_name} {trainee.employee.first_name}",
                        "hourly": str(hourly),
                        "hours": str(hours),
                        "amount": str(amount),
                    }
                )
            if details:
                typed = cleaned.get("line_cost_pay")
                if typed is None:
                    cleaned["line_cost_pay"] = total
                elif typed != total:
                    self.add_error(
                        "line_cost_pay",
                        _(
                            "La rémunération est la somme des salaires des stagiaires "
                            "(%(total)s d'après le détail saisi)."
                        )
                        % {"total": format_euros(total)},
                    )
        self.pay_details = details
        if not self.errors and not any(cleaned.get(f"line_{line.code}") for line in self.billables):
            raise ValidationError(_("Saisissez le montant d'au moins une ligne."))
        return cleaned

    def line_inputs(self) -> list[LineInput]:
        rows = []
        for line in self.billables:
            amount = self.cleaned_data.get(f"line_{line.code}")
            if not amount:
                continue
            rows.append(
                LineInput(
                    code=line.code,
                    amount_ht=amount,
                    vat_rate=self.cleaned_data[f"line_{line.code}_vat"],
                    details=self.pay_details if line.code == "cost_pay" else [],
                )
            )
        return rows

    def piece_inputs(self) -> list[PieceInput]:
        kinds = {
            "invoice_file": InvoicePieceType.INVOICE,
            "attendance_file": InvoicePieceType.ATTENDANCE,
            "completion_file": InvoicePieceType.COMPLETION,
            "receipted_file": InvoicePieceType.RECEIPTED,
        }
        return [
            PieceInput(
                piece_type=kind,
                upload=self.cleaned_data[name],
                content_type=self.content_types[name],
                verdict=self.verdicts[name],
            )
            for name, kind in kinds.items()
            if self.cleaned_data.get(name)
        ]


class FindDossierForm(Form):
    number = forms.CharField(
        label=gettext_lazy("Numéro du dossier ou du contrat"),
        max_length=30,
        help_text=gettext_lazy("Par exemple 2026-AF-000123, tel qu'il figure sur l'accord."),
    )

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()


class CreditNoteForm(Form):
    line = forms.ChoiceField(label=gettext_lazy("Ligne de la facture"))
    amount = money_field(gettext_lazy("Montant HT de l'avoir"), required=True)
    number = forms.CharField(label=gettext_lazy("Numéro de l'avoir"), max_length=40)
    issued_on = forms.DateField(label=gettext_lazy("Date de l'avoir"), widget=DATE)
    reason = forms.CharField(
        label=gettext_lazy("Motif"),
        max_length=500,
        help_text=gettext_lazy("Par exemple : journée de formation non réalisée."),
    )
    file = forms.FileField(label=gettext_lazy("Avoir (PDF)"))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(line.code, line.label) for line in lines]
        self.verdict = None
        self.content_type = ""

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is None or amount <= 0:
            raise ValidationError(_("Le montant de l'avoir doit être supérieur à zéro."))
        return amount

    def clean_number(self) -> str:
        number = " ".join(self.cleaned_data["number"].split())
        if not number:
            raise ValidationError(_("Saisissez le numéro de l'avoir."))
        return number

    def clean_issued_on(self):
        value = self.cleaned_data["issued_on"]
        check_date(value)
        if value > timezone.localdate():
            raise ValidationError(_("La date de l'avoir ne peut pas être dans le futur."))
        return value

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.content_type = check_upload(upload)
        if self.content_type != "application/pdf":
            raise ValidationError(_("L'avoir se dépose au format PDF."))
        self.verdict = antivirus.scan(upload)
        if self.verdict.status == antivirus.INFECTED:
            raise ValidationError(
                _("Ce fichier contient un virus ou un programme malveillant : il est refusé.")
            )
        if self.verdict.status == antivirus.REFUSED:
            raise ValidationError(
                _("Ce fichier n'a pas pu être analysé par l'antivirus : déposez un autre fichier.")
            )
        return upload
