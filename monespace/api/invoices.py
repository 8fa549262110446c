"""/api/v1/factures/etats — the states of the organisation's invoices for its software, in the
words of the inter-OPCO « API CFA » exchange (research domain-alternance §6, ``factures/etats``):
``numeroInterneFacture``, ``referenceFactureCFA``, ``montantFacture``, ``etatFacture``
(DEPOSEE → EN_CONTROLE → A_PAYER / REJETEE → REGLE), ``referenceVirement``, ``dateReglement``,
``commentaire``, the issuer and the dossiers. A CFA's or OF's key reads what its organisation
issued; a company's key the invoices of its dossiers, whoever issued them. The IBAN is masked,
as everywhere outside the RIB pages."""

from __future__ import annotations

import json

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from monespace.invoices.models import Invoice, InvoiceState
from monespace.organizations.enums import Profile

from .authentication import scope
from .contracts import _KeyView, _problems
from .idempotency import PARAMETER, IdempotentPost

STATES = {
    InvoiceState.DEPOSITED: "DEPOSEE",
    InvoiceState.UNDER_CONTROL: "EN_CONTROLE",
    InvoiceState.TO_PAY: "A_PAYER",
    InvoiceState.REJECTED: "REJETEE",
    InvoiceState.PAID: "REGLE",
}
BY_NAME = {name: state for state, name in STATES.items()}


def invoices_for(key) -> QuerySet[Invoice]:
    if key.profile == Profile.PROVIDER:
        return Invoice.objects.filter(
            payee_company_id=key.company_id, payee_profile=Profile.PROVIDER
        )
    return Invoice.objects.filter(company_id=key.company_id)


class IssuerSerializer(serializers.Serializer):
    siret = serializers.CharField(source="payee_establishment.siret")
    denomination = serializers.CharField(source="payee_company.name")
    IBAN = serializers.SerializerMethodField()

    def get_IBAN(self, invoice) -> str | None:
        payment = invoice.payment
        return payment.bank_account.masked_iban if payment is not None else None


class InvoiceDossierSerializer(serializers.Serializer):
    numeroInterneDossier = serializers.CharField(source="dossier.number")
    montant = serializers.DecimalField(source="total_ht", max_digits=12, decimal_places=2)


class InvoiceStateSerializer(serializers.ModelSerializer):
    numeroInterneFacture = serializers.SerializerMethodField()
    referenceFactureCFA = serializers.CharField(source="number")
    dateFacture = serializers.DateField(source="issued_on")
    montantFacture = serializers.DecimalField(source="total_ttc", max_digits=12, decimal_places=2)
    montantAccepte = serializers.DecimalField(
        source="accepted_total", max_digits=12, decimal_places=2, allow_null=True
    )
    etatFacture = serializers.SerializerMethodField()
    referenceVirement = serializers.CharField(source="payment.end_to_end", allow_null=True)
    dateReglement = serializers.DateField(source="paid_on", allow_null=True)
    commentaire = serializers.CharField(source="reason")
    organismeFormation = IssuerSerializer(source="*")
    dossiers = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "numeroInterneFacture",
            "referenceFactureCFA",
            "dateFacture",
            "montantFacture",
            "montantAccepte",
            "etatFacture",
            "referenceVirement",
            "dateReglement",
            "commentaire",
            "organismeFormation",
            "dossiers",
        ]

    def get_numeroInterneFacture(self, invoice) -> str:
        return f"F{invoice.pk:08d}"

    def get_etatFacture(self, invoice) -> str:
        return STATES[invoice.state]

    @extend_schema_field(InvoiceDossierSerializer(many=True))
    def get_dossiers(self, invoice) -> list:
        return InvoiceDossierSerializer([invoice], many=True).data


@extend_schema(
    summary="États des factures de l'organisation",
    responses={200: InvoiceStateSerializer(many=True), **_problems(400, 401, 403, 404, 429)},
    parameters=[
        OpenApiParameter("etat", OpenApiTypes.STR, enum=sorted(BY_NAME)),
        OpenApiParameter(
            "numeroDossier",
            {"type": "string", "minLength": 1, "maxLength": 30},
            description="Numéro interne du dossier",
        ),
    ],
)
class InvoiceStates(_KeyView, generics.ListAPIView):
    serializer_class = InvoiceStateSerializer
    permission_classes = [scope("can_read_invoices")]
    query_parameters = frozenset({"etat", "numeroDossier", "page"})

    def get_queryset(self):
        rows = invoices_for(self.request.auth).select_related(
            "dossier", "payee_company", "payee_establishment", "payment__bank_account"
        )
        params = self.request.query_params
        if "etat" in params:
            state = BY_NAME.get(params["etat"])
            if state is None:
                raise ValidationError(
                    {
                        "etat": _("État inconnu : choisissez parmi %(states)s.")
                        % {"states": ", ".join(sorted(BY_NAME))}
                    }
                )
            rows = rows.filter(state=state)
        if "numeroDossier" in params:
            number = params["numeroDossier"]
            if len(number) > 30:
                raise ValidationError({"numeroDossier": [_("30 caractères au plus.")]})
            rows = rows.filter(Q(dossier__number=number.replace("\x00", "")))
        return rows.order_by("-deposited_at", "-pk")


# --- Deposit -----------------------------------------------------------------------------------

# The web form's fields, as this API names them (errors are returned under these names).
FIELD_NAMES = {
    "number": "numeroFacture",
    "issued_on": "dateFacture",
    "invoice_file": "fichier",
    "attendance_file": "feuillesEmargement",
    "completion_file": "certificatRealisation",
    "receipted_file": "factureAcquittee",
    "certify": "attestationConservationPieces",
    "file": "fichier",
    "__all__": "non_field_errors",
}


class InvoiceLineInput(serializers.Serializer):
    ligne = serializers.CharField(
        max_length=40, help_text="Code de la ligne : E1, E2… (contrat) ou cost_teaching… (action)"
    )
    montantHT = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    tauxTVA = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class InvoiceDepositInput(serializers.Serializer):
    numeroDossier = serializers.CharField(max_length=30)
    numeroFacture = serializers.CharField(max_length=40)
    dateFacture = serializers.DateField()
    lignes = serializers.CharField(
        max_length=20_000,
        help_text='Liste JSON : [{"ligne": "E1", "montantHT": "1200.00", "tauxTVA": "0"}]',
    )
    attestationConservationPieces = serializers.BooleanField()
    fichier = serializers.FileField(help_text="La facture (PDF).")
    certificatRealisation = serializers.FileField(required=False)
    feuillesEmargement = serializers.FileField(required=False)
    factureAcquittee = serializers.FileField(required=False)

    def validate_lignes(self, value):
        """The lines as JSON, each checked (errors under ``lignes[i].champ``)."""
        try:
            rows = json.loads(value)
        except (ValueError, RecursionError):
            raise ValidationError(_("JSON illisible.")) from None
        if not isinstance(rows, list) or not rows:
            raise ValidationError(_("Une liste d'au moins une ligne est attendue."))
        if len(rows) > 50:
            raise ValidationError(_("50 lignes au plus."))
        cleaned, errors = [], {}
        for index, row in enumerate(rows):
            line = InvoiceLineInput(data=row if isinstance(row, dict) else {})
            if not line.is_valid():
                for name, messages in line.errors.items():
                    errors[f"lignes[{index}].{name}"] = [str(m) for m in messages]
                continue
            cleaned.append(line.validated_data)
        if errors:
            raise LineErrors(errors)
        codes = [row["ligne"] for row in cleaned]
        if len(set(codes)) != len(codes):
            raise ValidationError(_("Une ligne n'apparaît qu'une fois."))
        return cleaned


class LineErrors(Exception):
    """Errors of the lines, reported at the top level under their paths."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _rate(value) -> str:
    """A TVA rate as the web form's choices spell it (« 20 », « 5.5 »)."""
    text = format(value.normalize(), "f")
    return text


@extend_schema(
    summary="Déposer une facture",
    description=(
        "Les mêmes règles que « Déposer une facture » sur le portail : le dossier doit être "
        "accordé et facturable par l'organisation de la clé (subrogation, échéances dues), "
        "chaque ligne dans la limite du reste à facturer, un numéro de facture une seule fois."
    ),
    request={"multipart/form-data": InvoiceDepositInput},
    responses={201: InvoiceStateSerializer, **_problems(400, 401, 403, 409, 429)},
    parameters=[PARAMETER],
)
class InvoiceDeposit(IdempotentPost, _KeyView):
    serializer_class = InvoiceStateSerializer
    permission_classes = [scope("can_deposit_invoices")]
    parser_classes = [MultiPartParser, FormParser]

    def create_response(self, request, *args, **kwargs):
        from monespace.dossiers.enums import DossierKind
        from monespace.dossiers.models import Dossier
        from monespace.invoices.billing import InvoiceError, invoice_deposit
        from monespace.invoices.lines import billables, payees
        from monespace.www.invoice_forms import InvoiceForm

        payload = InvoiceDepositInput(data=request.data)
        try:
            payload.is_valid(raise_exception=True)
        except LineErrors as failure:
            raise ValidationError(failure.errors) from None
        data = payload.validated_data
        key = request.auth
        not_invoiceable = ValidationError(
            {
                "numeroDossier": [
                    _(
                        "Aucun dossier accordé portant ce numéro ne peut être facturé par "
                        "votre organisation."
                    )
                ]
            }
        )
        dossier = (
            Dossier.objects.filter(number=data["numeroDossier"].strip().upper())
            .select_related("training", "provider_establishment")
            .first()
        )
        if dossier is None:
            raise not_invoiceable
        parties = [
            p
            for p in payees(dossier)
            if p.company_id == key.company_id and p.profile == key.profile
        ]
        if not parties:
            raise not_invoiceable
        payee = parties[0]
        lines = billables(dossier, payee=payee)
        codes = {line.code for line in lines}
        errors = {}
        form_data = {
            "number": data["numeroFacture"],
            "issued_on": data["dateFacture"].isoformat(),
            "certify": "on" if data["attestationConservationPieces"] else "",
        }
        for index, row in enumerate(data["lignes"]):
            if row["ligne"] not in codes:
                errors[f"lignes[{index}].ligne"] = [
                    _("Cette ligne ne peut pas être facturée (lignes possibles : %(codes)s).")
                    % {"codes": ", ".join(sorted(codes))}
                ]
                continue
            form_data[f"line_{row['ligne']}"] = str(row["montantHT"])
            form_data[f"line_{row['ligne']}_vat"] = _rate(row["tauxTVA"])
        if errors:
            raise ValidationError(errors)
        files = {
            name: data[api_name]
            for name, api_name in FIELD_NAMES.items()
            if api_name in data and name.endswith("_file")
        }
        trainees = (
            dossier.trainees.select_related("employee")
            if dossier.kind == DossierKind.TRAINING_ACTION
            else []
        )
        form = InvoiceForm(form_data, files, lines=lines, trainees=trainees)
        if not form.is_valid():
            raise ValidationError(self._errors(form.errors, data["lignes"]))
        try:
            invoice = invoice_deposit(
                actor=None,
                dossier=dossier,
                payee=payee,
                number=form.cleaned_data["number"],
                issued_on=form.cleaned_data["issued_on"],
                lines=form.line_inputs(),
                pieces=form.piece_inputs(),
            )
        except InvoiceError as error:
            field = error.field or "__all__"
            raise ValidationError(
                self._errors(
                    {f"line_{field}" if field not in FIELD_NAMES else field: [error.message]},
                    data["lignes"],
                )
            ) from None
        invoice = Invoice.objects.select_related(
            "dossier", "payee_company", "payee_establishment", "payment__bank_account"
        ).get(pk=invoice.pk)
        return Response(InvoiceStateSerializer(invoice).data, status=201)

    @staticmethod
    def _errors(form_errors, rows) -> dict[str, list[str]]:
        """The form's errors under this API's names (``lignes[0].montantHT``…)."""
        index = {row["ligne"]: i for i, row in enumerate(rows)}
        found: dict[str, list[str]] = {}
        for name, messages in form_errors.items():
            if name in FIELD_NAMES:
                path = FIELD_NAMES[name]
            elif name.startswith("line_"):
                code = name[5:]
                suffix = "tauxTVA" if code.endswith("_vat") else "montantHT"
                code = code.removesuffix("_vat")
                path = f"lignes[{index[code]}].{suffix}" if code in index else "lignes"
            else:
                path = name
            found.setdefault(path, []).extend(str(m) for m in messages)
        return found
