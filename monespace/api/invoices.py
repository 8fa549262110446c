"""/api/v1/factures/etats — the states of the organisation's invoices for its software, in the
words of the inter-OPCO « API CFA » exchange (research domain-alternance §6, ``factures/etats``):
``numeroInterneFacture``, ``referenceFactureCFA``, ``montantFacture``, ``etatFacture``
(DEPOSEE → EN_CONTROLE → A_PAYER / REJETEE → REGLE), ``referenceVirement``, ``dateReglement``,
``commentaire``, the issuer and the dossiers. A CFA's or OF's key reads what its organisation
issued; a company's key the invoices of its dossiers, whoever issued them. The IBAN is masked,
as everywhere outside the RIB pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from monespace.invoices.models import Invoice, InvoiceState
from monespace.organizations.enums import Profile

from .authentication import scope
from .contracts import _KeyView, _problems

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
            "numeroDossier", OpenApiTypes.STR, description="Numéro interne du dossier"
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
            rows = rows.filter(Q(dossier__number=params["numeroDossier"].replace("\x00", "")))
        return rows.order_by("-deposited_at", "-pk")
