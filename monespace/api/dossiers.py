"""The API's other resources: the key's status, the organisation's training-action dossiers
(read-only), and the documents its software attaches to a dossier (multipart, checked like the
portal's « Joindre des fichiers »)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from monespace.dossiers.enums import EDITABLE_STATES, DossierKind, PieceType
from monespace.dossiers.models import Document, Dossier
from monespace.organizations.enums import Profile
from monespace.organizations.models import ApiKey

from .authentication import ApiKeyAuthentication, ApiKeyThrottle, scope
from .contracts import STATES, _KeyView, _problems
from .errors import ProblemJSONRenderer
from .idempotency import PARAMETER, IdempotentPost


class _HasKey(BasePermission):
    """Any valid key (the status says what it may do)."""

    def has_permission(self, request, view):
        if not isinstance(request.auth, ApiKey):
            raise AuthenticationFailed(_("Clé API absente (en-tête X-API-KEY)."))
        return True


class StatusSerializer(serializers.Serializer):
    statut = serializers.CharField()
    version = serializers.CharField()
    organisation = serializers.DictField()
    cle = serializers.DictField()


@extend_schema(
    summary="État du service et de la clé",
    responses={200: StatusSerializer, **_problems(401, 429)},
)
class Status(generics.GenericAPIView):
    authentication_classes = [ApiKeyAuthentication]
    renderer_classes = [JSONRenderer, ProblemJSONRenderer]
    permission_classes = [_HasKey]
    throttle_classes = [ApiKeyThrottle]
    serializer_class = StatusSerializer

    def get(self, request):
        key = request.auth
        return Response(
            {
                "statut": "OK",
                "version": "1",
                "organisation": {
                    "siren": key.company.siren,
                    "denomination": key.company.name,
                    "profil": key.profile,
                },
                "cle": {
                    "nom": key.name,
                    "dateFinValidite": key.expires_on.isoformat(),
                    "droits": [name for name in key.SCOPES if getattr(key, name)],
                },
            }
        )


def dossiers_for(key, kind: str | None = None) -> QuerySet[Dossier]:
    """A company's key: its dossiers once transmitted; a training organisation's or CFA's: the
    transmitted dossiers naming one of its establishments."""
    rows = Dossier.objects.exclude(state__in=EDITABLE_STATES)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if key.profile == Profile.PROVIDER:
        return rows.filter(provider_establishment__company_id=key.company_id)
    return rows.filter(company_id=key.company_id)


class CostLineSerializer(serializers.Serializer):
    ligne = serializers.CharField()
    libelle = serializers.CharField()
    montantDemande = serializers.DecimalField(max_digits=12, decimal_places=2)


class TrainingActionSerializer(serializers.ModelSerializer):
    numeroInterne = serializers.CharField(source="number")
    etat = serializers.SerializerMethodField()
    intitule = serializers.CharField(source="title")
    dateDebut = serializers.DateField(source="start_date", allow_null=True)
    dateFin = serializers.DateField(source="end_date", allow_null=True)
    siretEtablissement = serializers.CharField(source="establishment.siret")
    entreprise = serializers.CharField(source="company.name")
    organisme = serializers.CharField(source="provider_name")
    siretOrganisme = serializers.CharField(source="provider_siret")
    dureeHeures = serializers.DecimalField(
        source="training.duration_hours", max_digits=7, decimal_places=2, allow_null=True
    )
    subrogation = serializers.BooleanField(source="training.direct_payment")
    montantAccorde = serializers.DecimalField(
        source="granted_total", max_digits=12, decimal_places=2, allow_null=True
    )
    lignes = serializers.SerializerMethodField()
    dateMaj = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Dossier
        fields = [
            "numeroInterne",
            "etat",
            "intitule",
            "dateDebut",
            "dateFin",
            "siretEtablissement",
            "entreprise",
            "organisme",
            "siretOrganisme",
            "dureeHeures",
            "subrogation",
            "montantAccorde",
            "lignes",
            "dateMaj",
        ]

    def get_etat(self, dossier) -> str:
        return STATES.get(dossier.state, dossier.state.upper())

    @extend_schema_field(CostLineSerializer(many=True))
    def get_lignes(self, dossier) -> list:
        rows = [
            {"ligne": code, "libelle": str(label), "montantDemande": amount}
            for code, label, amount in dossier.spec.requested_lines(dossier)
            if amount
        ]
        return CostLineSerializer(rows, many=True).data


LIST_RELATED = ("training", "establishment", "company")


@extend_schema(
    summary="Actions de formation de l'organisation (lecture seule)",
    responses={200: TrainingActionSerializer(many=True), **_problems(400, 401, 403, 404, 429)},
)
class TrainingActionList(_KeyView, generics.ListAPIView):
    serializer_class = TrainingActionSerializer
    query_parameters = frozenset({"page"})

    def get_queryset(self):
        return (
            dossiers_for(self.request.auth, DossierKind.TRAINING_ACTION)
            .select_related(*LIST_RELATED)
            .prefetch_related("modules")
            .order_by("-submitted_at", "-pk")
        )


@extend_schema(
    summary="Une action de formation, par son numéro interne",
    responses={200: TrainingActionSerializer, **_problems(401, 403, 404, 429)},
)
class TrainingActionDetail(_KeyView, generics.RetrieveAPIView):
    serializer_class = TrainingActionSerializer
    lookup_field = "number"
    lookup_url_kwarg = "numero"

    def get_queryset(self):
        if "\x00" in self.kwargs["numero"]:
            raise Http404
        return (
            dossiers_for(self.request.auth, DossierKind.TRAINING_ACTION)
            .select_related(*LIST_RELATED)
            .prefetch_related("modules")
        )


class DocumentInput(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[c for c in PieceType.choices if c[0] != PieceType.LETTER]
    )
    titre = serializers.CharField(max_length=200)
    commentaire = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    fichier = serializers.FileField()


class DocumentSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="piece_type")
    titre = serializers.CharField(source="title")
    nomFichier = serializers.CharField(source="original_name")
    taille = serializers.IntegerField(source="size")
    etatAnalyse = serializers.CharField(source="scan_status")
    deposeLe = serializers.DateTimeField(source="uploaded_at")

    class Meta:
        model = Document
        fields = ["type", "titre", "nomFichier", "taille", "etatAnalyse", "deposeLe"]


@extend_schema(
    summary="Joindre un document à un dossier",
    description=(
        "Les mêmes contrôles que « Joindre des fichiers » sur le portail : type de fichier lu "
        "dans son contenu, taille, antivirus. Un document joint à un dossier en attente de "
        "pièces le renvoie en instruction."
    ),
    request={"multipart/form-data": DocumentInput},
    responses={201: DocumentSerializer, **_problems(400, 401, 403, 404, 409, 429)},
    parameters=[PARAMETER],
)
class DocumentUpload(IdempotentPost, _KeyView):
    serializer_class = DocumentSerializer
    permission_classes = [scope("can_deposit_contracts")]
    parser_classes = [MultiPartParser, FormParser]

    def create_response(self, request, *args, **kwargs):
        from monespace.dossiers.services import document_add
        from monespace.www.dossiers.forms import DocumentForm

        number = self.kwargs["numero"]
        dossier = (
            dossiers_for(request.auth).filter(number=number).first()
            if "\x00" not in number
            else None
        )
        if dossier is None:
            raise Http404
        payload = DocumentInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        form = DocumentForm(
            {
                "piece_type": data["type"],
                "title": data["titre"],
                "comment": data.get("commentaire", ""),
            },
            {"file": data["fichier"]},
        )
        if not form.is_valid():
            names = {
                "file": "fichier",
                "piece_type": "type",
                "title": "titre",
                "comment": "commentaire",
            }
            raise ValidationError(
                {
                    names.get(k, "non_field_errors"): [str(m) for m in v]
                    for k, v in form.errors.items()
                }
            )
        actor = request.auth.created_by
        if actor is None:
            raise ValidationError(
                {
                    "non_field_errors": [
                        _("La personne qui a créé cette clé n'existe plus : créez une autre clé.")
                    ]
                }
            )
        document = document_add(
            actor=actor,
            dossier=dossier,
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
            piece_type=form.cleaned_data["piece_type"],
            title=form.cleaned_data["title"],
            comment=form.cleaned_data["comment"],
            verdict=form.verdict,
        )
        return Response(DocumentSerializer(document).data, status=201)
