"""/api/v1/contrats — apprenticeship contracts for the organisation's software, in the words of
the inter-OPCO « API CFA » exchange (research domain-alternance §6): ``numeroInterne`` (our
dossier number), ``numeroDeca``, ``etat`` (TRANSMIS → EN_COURS_INSTRUCTION → ENGAGE / REFUSE →
ANNULE / RUPTU / SOLDE), the ``cerfa`` block and the ``echeances`` of the commitment in force.
A company's key sees its contracts; a CFA's key the contracts naming one of its
establishments."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.models import Dossier, FundingCommitment, Instalment
from monespace.organizations.enums import Profile

from .authentication import ApiKeyAuthentication, ApiKeyThrottle, scope

STATES = {
    DossierState.SUBMITTED: "TRANSMIS",
    DossierState.UNDER_REVIEW: "EN_COURS_INSTRUCTION",
    DossierState.DOCUMENTS_REQUESTED: "EN_COURS_INSTRUCTION",
    DossierState.APPROVED: "ENGAGE",
    DossierState.REFUSED: "REFUSE",
    DossierState.CANCELLED: "ANNULE",
    DossierState.BROKEN: "RUPTU",
    DossierState.CLOSED: "SOLDE",
}
BY_NAME: dict[str, list[str]] = {}
for state, name in STATES.items():
    BY_NAME.setdefault(name, []).append(state)


def contracts_for(key) -> QuerySet[Dossier]:
    rows = Dossier.objects.filter(kind=DossierKind.APPRENTICESHIP, state__in=list(STATES))
    if key.profile == Profile.PROVIDER:
        return rows.filter(provider_establishment__company_id=key.company_id)
    return rows.filter(company_id=key.company_id)


class CerfaSerializer(serializers.Serializer):
    """The contract's CERFA fields an OPCO exchange carries (a subset, named as the
    convention names them)."""

    employeur = serializers.SerializerMethodField()
    apprenti = serializers.SerializerMethodField()
    formation = serializers.SerializerMethodField()
    contrat = serializers.SerializerMethodField()

    def get_employeur(self, dossier) -> dict:
        return {
            "siret": dossier.establishment.siret,
            "denomination": dossier.apprenticeship.employer_name,
            "codeIdcc": dossier.apprenticeship.idcc,
            "naf": dossier.apprenticeship.naf,
        }

    def get_apprenti(self, dossier) -> dict:
        contract = dossier.apprenticeship
        return {
            "nom": contract.apprentice_last_name,
            "prenom": contract.apprentice_first_name,
            "dateNaissance": contract.apprentice_birth_date,
        }

    def get_formation(self, dossier) -> dict:
        contract = dossier.apprenticeship
        return {
            "rncp": contract.rncp,
            "codeDiplome": contract.diploma_code,
            "intituleQualification": contract.qualification_title,
            "dureeFormation": contract.training_hours,
            "dateDebutFormation": contract.training_start,
            "dateFinEpreuves": contract.exams_end,
            "siretCfa": dossier.provider_siret,
            "uaiCfa": contract.cfa_uai,
        }

    def get_contrat(self, dossier) -> dict:
        contract = dossier.apprenticeship
        return {
            "typeContratApp": contract.contract_type,
            "dateConclusion": contract.conclusion_date,
            "dateDebutContrat": dossier.start_date,
            "dateFinContrat": dossier.end_date,
            "dureeTravailHebdoHeures": contract.weekly_hours,
        }


class ContractSerializer(serializers.ModelSerializer):
    numeroInterne = serializers.CharField(source="number")
    numeroDeca = serializers.CharField(source="apprenticeship.deca_number")
    etat = serializers.SerializerMethodField()
    dateMaj = serializers.DateTimeField(source="updated_at")
    montantEngage = serializers.DecimalField(
        source="granted_total", max_digits=12, decimal_places=2, allow_null=True
    )
    cerfa = CerfaSerializer(source="*")

    class Meta:
        model = Dossier
        fields = ["numeroInterne", "numeroDeca", "etat", "dateMaj", "montantEngage", "cerfa"]

    def get_etat(self, dossier) -> str:
        return STATES[dossier.state]


class InstalmentSerializer(serializers.ModelSerializer):
    numero = serializers.CharField(source="code")
    annee = serializers.IntegerField(source="year")
    libelle = serializers.CharField(source="label")
    dateEcheance = serializers.DateField(source="due_on")
    montantBrut = serializers.DecimalField(source="gross", max_digits=12, decimal_places=2)
    deduction = serializers.DecimalField(max_digits=12, decimal_places=2)
    montant = serializers.DecimalField(source="amount", max_digits=12, decimal_places=2)
    etat = serializers.CharField(source="get_state_display")

    class Meta:
        model = Instalment
        fields = [
            "numero",
            "annee",
            "libelle",
            "dateEcheance",
            "montantBrut",
            "deduction",
            "montant",
            "etat",
        ]


class _KeyView:
    authentication_classes = [ApiKeyAuthentication]
    renderer_classes = [JSONRenderer]
    permission_classes = [scope("can_read_contracts")]
    throttle_classes = [ApiKeyThrottle]


@extend_schema(
    summary="Contrats d'apprentissage de l'organisation",
    parameters=[
        OpenApiParameter("etat", OpenApiTypes.STR, enum=sorted(BY_NAME)),
        OpenApiParameter(
            "dateMajDepuis", OpenApiTypes.DATETIME, description="Modifiés depuis (ISO 8601)"
        ),
    ],
)
class ContractList(_KeyView, generics.ListAPIView):
    serializer_class = ContractSerializer

    def get_queryset(self):
        rows = contracts_for(self.request.auth).select_related("apprenticeship", "establishment")
        etat = self.request.query_params.get("etat")
        if etat:
            if etat not in BY_NAME:
                raise ValidationError(
                    {"etat": f"État inconnu : choisissez parmi {', '.join(sorted(BY_NAME))}."}
                )
            rows = rows.filter(state__in=BY_NAME[etat])
        since = self.request.query_params.get("dateMajDepuis")
        if since:
            try:
                moment = parse_datetime(since)
            except ValueError:
                moment = None
            if moment is None:
                raise ValidationError(
                    {
                        "dateMajDepuis": "Date et heure ISO 8601 attendues, par exemple 2026-09-01T00:00:00Z."
                    }
                )
            rows = rows.filter(updated_at__gte=moment)
        return rows.order_by("updated_at", "pk")


@extend_schema(summary="Un contrat, par son numéro interne")
class ContractDetail(_KeyView, generics.RetrieveAPIView):
    serializer_class = ContractSerializer
    lookup_field = "number"
    lookup_url_kwarg = "numero"

    def get_queryset(self):
        return contracts_for(self.request.auth).select_related("apprenticeship", "establishment")


@extend_schema(summary="Échéancier en vigueur d'un contrat")
class ContractInstalments(_KeyView, generics.ListAPIView):
    serializer_class = InstalmentSerializer
    pagination_class = None

    def get_queryset(self):
        dossier = contracts_for(self.request.auth).filter(number=self.kwargs["numero"]).first()
        if dossier is None:
            raise Http404
        newer = FundingCommitment.objects.filter(
            dossier_id=OuterRef("commitment__dossier_id"),
            version__gt=OuterRef("commitment__version"),
        )
        return (
            Instalment.objects.filter(commitment__dossier=dossier)
            .exclude(Exists(newer))
            .order_by("due_on", "code")
        )
