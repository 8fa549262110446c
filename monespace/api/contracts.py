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
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from monespace.dossiers.enums import DossierKind, DossierState
from monespace.dossiers.models import Dossier, FundingCommitment, Instalment
from monespace.organizations.enums import Profile

from .authentication import ApiKeyAuthentication, ApiKeyThrottle, scope
from .errors import TITLES, ProblemJSONRenderer

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
        # A CFA's pre-entry waiting for the company (only in the answer to its deposit).
        return STATES.get(dossier.state, "A_VALIDER_PAR_L_EMPLOYEUR")


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


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 describes it (application/problem+json)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    retryAfter = serializers.IntegerField(required=False)


def _problems(*codes: int) -> dict:
    return {
        code: OpenApiResponse(ProblemSerializer, description=str(TITLES[code])) for code in codes
    }


class _KeyView(generics.GenericAPIView):
    """A resource read with a key; query parameters other than its own are refused."""

    query_parameters: frozenset[str] = frozenset()
    authentication_classes = [ApiKeyAuthentication]
    renderer_classes = [JSONRenderer, ProblemJSONRenderer]
    permission_classes = [scope("can_read_contracts")]
    throttle_classes = [ApiKeyThrottle]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.query_parameters)
        if unknown:
            raise ValidationError({name or "?": [_("Paramètre inconnu.")] for name in unknown})
        empty = sorted(name for name, value in request.query_params.items() if not value)
        if empty:
            raise ValidationError({name: [_("Valeur vide.")] for name in empty})


@extend_schema(
    summary="Contrats d'apprentissage de l'organisation",
    responses={200: ContractSerializer(many=True), **_problems(400, 401, 403, 404, 429)},
    parameters=[
        OpenApiParameter("etat", OpenApiTypes.STR, enum=sorted(BY_NAME)),
        OpenApiParameter(
            "dateMajDepuis", OpenApiTypes.DATETIME, description="Modifiés depuis (ISO 8601)"
        ),
    ],
)
class ContractList(_KeyView, generics.ListAPIView):
    serializer_class = ContractSerializer
    query_parameters = frozenset({"etat", "dateMajDepuis", "page"})

    def get_queryset(self):
        rows = contracts_for(self.request.auth).select_related("apprenticeship", "establishment")
        params = self.request.query_params
        etat = params.get("etat")
        if "etat" in params:
            if etat not in BY_NAME:
                raise ValidationError(
                    {
                        "etat": _("État inconnu : choisissez parmi %(states)s.")
                        % {"states": ", ".join(sorted(BY_NAME))}
                    }
                )
            rows = rows.filter(state__in=BY_NAME[etat])
        since = params.get("dateMajDepuis")
        if "dateMajDepuis" in params:
            try:
                moment = parse_datetime(since or "")
            except ValueError:
                moment = None
            if moment is None:
                raise ValidationError(
                    {
                        "dateMajDepuis": _(
                            "Date et heure ISO 8601 attendues, par exemple 2026-09-01T00:00:00Z."
                        )
                    }
                )
            # Far dates are brought within what every database stores (SQLite overflows on a
            # year 1 with an offset): before 2000 is « everything », after 2100 « nothing ».
            if moment.year < 2000:
                moment = None
            elif moment.year > 2100:
                return rows.none()
            if moment is not None:
                rows = rows.filter(updated_at__gte=moment)
        return rows.order_by("updated_at", "pk")


@extend_schema(
    summary="Un contrat, par son numéro interne",
    responses={200: ContractSerializer, **_problems(401, 403, 404, 429)},
)
class ContractDetail(_KeyView, generics.RetrieveAPIView):
    serializer_class = ContractSerializer
    lookup_field = "number"
    lookup_url_kwarg = "numero"

    def get_queryset(self):
        if "\x00" in self.kwargs["numero"]:
            raise Http404
        return contracts_for(self.request.auth).select_related("apprenticeship", "establishment")


@extend_schema(
    summary="Échéancier en vigueur d'un contrat",
    responses={200: InstalmentSerializer(many=True), **_problems(401, 403, 404, 429)},
)
class ContractInstalments(_KeyView, generics.ListAPIView):
    serializer_class = InstalmentSerializer
    pagination_class = None

    def get_queryset(self):
        number = self.kwargs["numero"]
        dossier = (
            contracts_for(self.request.auth).filter(number=number).first()
            if "\x00" not in number
            else None
        )
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
