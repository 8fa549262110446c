"""POST /api/v1/contrats/ — an apprenticeship contract deposited by the software of a company or
of a CFA, from the inter-OPCO exchange's ``cerfa`` payload, with its pieces, in one call.

The payload is checked by the portal's own step forms (``www/dossiers/apprenticeship_forms``),
step after step, as if typed on « Nouvelle demande » — the same formats, the same rules of the
law, the same messages — and its errors are returned under the payload's paths
(``cerfa.apprenti.nir``). Nothing is saved unless the whole contract is complete and valid.
A company's key transmits it to the OPCO; a CFA's key deposits it for a company that attached
the CFA (delegation with the right to enter contracts): with the « mandat de gestion » it is
transmitted, without it the company finds it to validate, as a pre-entry typed on the portal."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from monespace.core import antivirus
from monespace.core.uploads import check_upload
from monespace.dossiers.apprenticeship import rules
from monespace.dossiers.enums import DossierKind, PieceType
from monespace.organizations.enums import Profile
from monespace.organizations.models import Delegation, DelegationStatus, Establishment

from .authentication import scope
from .contracts import ContractList, ContractSerializer, _problems
from .idempotency import PARAMETER, IdempotentPost


def _address(prefix: str, field_prefix: str) -> dict[str, str]:
    return {
        f"{prefix}.adresse.numero": f"{field_prefix}_street_number",
        f"{prefix}.adresse.voie": f"{field_prefix}_street",
        f"{prefix}.adresse.complement": f"{field_prefix}_address_complement",
        f"{prefix}.adresse.codePostal": f"{field_prefix}_postal_code",
        f"{prefix}.adresse.commune": f"{field_prefix}_city",
    }


def _master(number: int) -> dict[str, str]:
    prefix, field = f"maitre{number}", f"master{number}"
    return {
        f"{prefix}.nom": f"{field}_last_name",
        f"{prefix}.prenom": f"{field}_first_name",
        f"{prefix}.dateNaissance": f"{field}_birth_date",
        f"{prefix}.courriel": f"{field}_email",
        f"{prefix}.emploiOccupe": f"{field}_job",
        f"{prefix}.intituleDiplomeObtenu": f"{field}_diploma",
        f"{prefix}.niveauDiplomeObtenu": f"{field}_diploma_level",
    }


# The payload's paths (under ``cerfa``) → the contract's fields, as the exchange names them.
PATHS: dict[str, str] = {
    "employeur.employeurPublic": "employer_public",
    "employeur.denomination": "employer_name",
    **_address("employeur", "employer"),
    "employeur.telephone": "employer_phone",
    "employeur.courriel": "employer_email",
    "employeur.typeEmployeur": "employer_type",
    "employeur.employeurSpecifique": "specific_employer",
    "employeur.naf": "naf",
    "employeur.nombreDeSalaries": "headcount",
    "employeur.codeIdcc": "idcc",
    "employeur.regimeSpecifique": "public_unemployment_scheme",
    "employeur.attestationEligibilite": "masters_eligibility_attested",
    "apprenti.nom": "apprentice_last_name",
    "apprenti.nomUsage": "apprentice_usage_name",
    "apprenti.prenom": "apprentice_first_name",
    "apprenti.nir": "apprentice_nir",
    **_address("apprenti", "apprentice"),
    "apprenti.telephone": "apprentice_phone",
    "apprenti.courriel": "apprentice_email",
    "apprenti.dateNaissance": "apprentice_birth_date",
    "apprenti.sexe": "apprentice_sex",
    "apprenti.departementNaissance": "apprentice_birth_department",
    "apprenti.communeNaissance": "apprentice_birth_city",
    "apprenti.nationalite": "apprentice_nationality",
    "apprenti.regimeSocial": "apprentice_social_regime",
    "apprenti.mineurEmancipe": "apprentice_emancipated",
    "apprenti.inscriptionSportifDeHautNiveau": "apprentice_high_level_athlete",
    "apprenti.handicap": "apprentice_rqth",
    "apprenti.droitsRqthEquivalenceJeune": "apprentice_rqth_youth_equivalence",
    "apprenti.droitsRqthExtensionBOE": "apprentice_rqth_boe_extension",
    "apprenti.projetCreationRepriseEntreprise": "apprentice_business_project",
    "apprenti.situationAvantContrat": "apprentice_situation",
    "apprenti.diplomePrepare": "apprentice_diploma_prepared",
    "apprenti.derniereClasse": "apprentice_last_class",
    "apprenti.intituleDiplomePrepare": "apprentice_diploma_prepared_title",
    "apprenti.diplome": "apprentice_highest_diploma",
    "apprenti.responsableLegal.nom": "guardian_name",
    "apprenti.responsableLegal.adresseIdentique": "guardian_same_address",
    **_address("apprenti.responsableLegal", "guardian"),
    "apprenti.responsableLegal.courriel": "guardian_email",
    **_master(1),
    **_master(2),
    "contrat.modeContractuel": "contract_mode",
    "contrat.typeContratApp": "contract_type",
    "contrat.typeDerogation": "derogation_type",
    "contrat.numeroContratPrecedent": "previous_contract_number",
    "contrat.dateConclusion": "conclusion_date",
    "contrat.dateDebutContrat": "start_date",
    "contrat.dateFormationPratiqueEmployeur": "practical_training_start",
    "contrat.dateEffetAvenant": "amendment_effect_date",
    "contrat.dateFinContrat": "end_date",
    "contrat.dureeTravailHebdoHeures": "weekly_hours",
    "contrat.dureeTravailHebdoMinutes": "weekly_minutes",
    "contrat.travailRisque": "hazardous_work",
    "contrat.salaireMinimumConventionnel": "smc",
    "contrat.caisseComplementaire": "pension_fund",
    "contrat.avantageNourriture": "benefit_food",
    "contrat.avantageLogement": "benefit_housing",
    "contrat.autreAvantageEnNature": "benefit_other",
    "contrat.lieuSignatureContrat": "signature_place",
    "formation.rncp": "rncp",
    "formation.codeDiplome": "diploma_code",
    "formation.typeDiplome": "diploma_type",
    "formation.intituleQualification": "qualification_title",
    "formation.dateDebutFormation": "training_start",
    "formation.dateFinFormation": "exams_end",
    "formation.dureeFormation": "training_hours",
    "formation.nombreHeuresEnDistanciel": "distance_hours",
    "organismeFormation.formationInterne": "in_company_cfa",
    "organismeFormation.denomination": "provider_name",
    "organismeFormation.uaiCfa": "cfa_uai",
    "organismeFormation.siret": "provider_siret",
    **_address("organismeFormation", "cfa"),
    "organismeFormation.lieuFormationIdentique": "cfa_is_main_site",
    "organismeFormationLieuFormationPrincipal.denomination": "main_site_name",
    "organismeFormationLieuFormationPrincipal.uaiCfa": "main_site_uai",
    "organismeFormationLieuFormationPrincipal.siret": "main_site_siret",
    **_address("organismeFormationLieuFormationPrincipal", "main_site"),
    "fraisAnnexes.majorationRqth": "rqth_majoration",
    "fraisAnnexes.nombreRepas": "meals",
    "fraisAnnexes.nombreNuitees": "nights",
    "fraisAnnexes.premierEquipement": "first_equipment",
    "attestationPieces": "pieces_attested",
}
FIELD_PATHS = {field: f"cerfa.{path}" for path, field in PATHS.items()}
# The pieces sent with the contract (multipart parts) and their type.
PIECES = {
    "cerfaSigne": PieceType.SIGNED_CERFA,
    "conventionFormation": PieceType.TRAINING_AGREEMENT,
    "conventionAmenagementDuree": PieceType.DURATION_AGREEMENT,
    "attestationSurLHonneur": PieceType.SWORN_STATEMENT,
}


class ContractDepositInput(serializers.Serializer):
    cerfa = serializers.CharField(
        max_length=200_000,
        help_text=(
            "Le contrat, objet JSON aux noms de l'échange inter-OPCO : employeur (siret…), "
            "apprenti, maitre1, maitre2, contrat (remunerationsAnnuelles : [{ordre, taux}]), "
            "formation, organismeFormation, organismeFormationLieuFormationPrincipal, "
            "fraisAnnexes, attestationPieces."
        ),
    )
    cerfaSigne = serializers.FileField(help_text="Le CERFA signé (PDF).")
    conventionFormation = serializers.FileField(help_text="La convention de formation signée.")
    conventionAmenagementDuree = serializers.FileField(required=False)
    attestationSurLHonneur = serializers.FileField(required=False)


def _lookup(payload: dict, path: str) -> tuple[bool, Any]:
    node: Any = payload
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _as_form_value(value: Any) -> Any:
    """A JSON value as the form's widgets read it (dates may come as ISO date-times)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and value[10:11] == "T":
        return value[:10]
    if isinstance(value, dict | list):
        raise ValueError
    return str(value)


def _current(value: Any) -> Any:
    """A saved value as the form would have it typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)


def _employer(key, siret: str) -> tuple[Establishment, Delegation | None]:
    """The establishment of execution the key may deposit for (its own company's, or one of a
    company that attached the CFA with the right to enter contracts)."""
    establishment = Establishment.objects.filter(siret=siret).select_related("company").first()
    refused = ValidationError(
        {
            "cerfa.employeur.siret": [
                _(
                    "Aucun établissement de votre organisation, ni d'une entreprise qui vous a "
                    "rattaché pour ses contrats, ne porte ce SIRET."
                )
            ]
        }
    )
    if establishment is None or not establishment.is_active:
        raise refused
    if key.profile == Profile.MEMBER:
        if establishment.company_id != key.company_id:
            raise refused
        return establishment, None
    delegation = (
        Delegation.objects.filter(
            company_id=establishment.company_id,
            delegate_id=key.company_id,
            status=DelegationStatus.ACTIVE,
            can_edit_apprenticeship=True,
        )
        .prefetch_related("establishments")
        .first()
    )
    if delegation is None:
        raise refused
    scoped = {e.pk for e in delegation.establishments.all()}
    if scoped and establishment.pk not in scoped:
        raise refused
    return establishment, delegation


class ContractDepositMixin(IdempotentPost):
    """POST on the contracts' collection (the list is its GET)."""

    def get_permissions(self):
        name = "can_deposit_contracts" if self.request.method == "POST" else "can_read_contracts"
        return [scope(name)()]

    def get_parsers(self):
        return [MultiPartParser(), FormParser()]

    def create_response(self, request, *args, **kwargs):
        payload = ContractDepositInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            cerfa = json.loads(payload.validated_data["cerfa"])
        except (ValueError, RecursionError):
            raise ValidationError({"cerfa": [_("JSON illisible.")]}) from None
        if not isinstance(cerfa, dict):
            raise ValidationError({"cerfa": [_("Un objet JSON est attendu.")]})
        key = request.auth
        actor = key.created_by
        if actor is None or not actor.is_active:
            raise PermissionDenied(
                _("La personne qui a créé cette clé n'est plus là : créez une autre clé.")
            )
        found, siret = _lookup(cerfa, "employeur.siret")
        if not found or not isinstance(siret, str) or not siret.strip():
            raise ValidationError({"cerfa.employeur.siret": [_("Ce champ est obligatoire.")]})
        establishment, _delegation = _employer(key, "".join(siret.split()))
        files = {name: payload.validated_data.get(name) for name in PIECES}
        with transaction.atomic():
            dossier, errors = self._enter(actor, key, establishment, cerfa, files)
            if errors:
                transaction.set_rollback(True)
                raise ValidationError(errors)
        from monespace.dossiers.models import Dossier

        dossier = Dossier.objects.select_related("apprenticeship", "establishment").get(
            pk=dossier.pk
        )
        return Response(ContractSerializer(dossier).data, status=201)

    def _enter(self, actor, key, establishment, cerfa, files):
        from monespace.dossiers import services as dossier_services
        from monespace.dossiers.apprenticeship import services
        from monespace.dossiers.apprenticeship.pay import minimum_pay
        from monespace.dossiers.errors import DossierError, Incomplete
        from monespace.dossiers.kinds import get_kind
        from monespace.www.dossiers.apprenticeship_forms import STEP_FORMS

        errors: dict[str, list[str]] = {}
        unknown = self._unknown_paths(cerfa)
        if unknown:
            return None, {path: [_("Champ inconnu.")] for path in unknown}
        dossier = dossier_services.dossier_create(
            actor=actor, establishment=establishment, kind=DossierKind.APPRENTICESHIP
        )
        for step, names in rules.STEP_FIELDS.items():
            dossier.refresh_from_db()
            contract = dossier.detail
            contract.refresh_from_db()
            data: dict[str, Any] = {}
            for name in names:
                target = dossier if name in rules.DOSSIER_FIELDS else contract
                path = FIELD_PATHS.get(name)
                found, value = _lookup(cerfa, path[len("cerfa.") :]) if path else (False, None)
                try:
                    data[name] = _as_form_value(value) if found else _current(getattr(target, name))
                except ValueError:
                    errors.setdefault(path or name, []).append(_("Une valeur simple est attendue."))
            kwargs: dict[str, Any] = {"dossier": dossier}
            if step == rules.STEP_CONTRACT:
                periods = minimum_pay(
                    birth=contract.apprentice_birth_date,
                    start=_parse_date(data.get("start_date")),
                    end=_parse_date(data.get("end_date")),
                    smc=_parse_decimal(data.get("smc")),
                )
                kwargs["periods"] = periods
                for line in _lookup(cerfa, "contrat.remunerationsAnnuelles")[1] or []:
                    if isinstance(line, dict) and "ordre" in line and "taux" in line:
                        data["rate_" + str(line["ordre"]).replace(".", "_")] = _as_form_value(
                            line["taux"]
                        )
            form = STEP_FORMS[step](data, **kwargs)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    path = FIELD_PATHS.get(name, "cerfa.contrat.remunerationsAnnuelles")
                    if name == "__all__":
                        path = f"cerfa ({step})"
                    errors.setdefault(path, []).extend(str(m) for m in messages)
                continue
            values = form.values()
            if step == rules.STEP_TRAINING:
                siret = values.get("provider_siret")
                cfa = Establishment.objects.active().filter(siret=siret).first() if siret else None
                if key.profile == Profile.PROVIDER and (
                    cfa is None or cfa.company_id != key.company_id
                ):
                    errors.setdefault("cerfa.organismeFormation.siret", []).append(
                        _("Le CFA du contrat doit être un établissement de votre organisation.")
                    )
                    continue
                values["provider_establishment"] = cfa
            services.contract_update(
                actor=actor,
                dossier=dossier,
                values=values,
                rates=form.rates() if step == rules.STEP_CONTRACT else None,
            )
        if errors:
            return dossier, errors
        for name, piece_type in PIECES.items():
            upload = files.get(name)
            if upload is None:
                continue
            try:
                content_type = check_upload(upload)
            except Exception as error:  # a ValidationError with the French message
                errors.setdefault(name, []).extend(getattr(error, "messages", [str(error)]))
                continue
            verdict = antivirus.scan(upload)
            if verdict.status in (antivirus.INFECTED, antivirus.REFUSED):
                errors.setdefault(name, []).append(
                    _("Ce fichier est refusé par l'antivirus : joignez un fichier sain.")
                )
                continue
            dossier_services.document_add(
                actor=actor,
                dossier=dossier,
                upload=upload,
                content_type=content_type,
                piece_type=piece_type,
                title=str(PieceType(piece_type).label),
                verdict=verdict,
            )
        if errors:
            return dossier, errors
        dossier.refresh_from_db()
        missing = get_kind(DossierKind.APPRENTICESHIP).missing_items(dossier)
        if missing:
            for _step, field_id, label in missing:
                name = field_id.removeprefix("id_")
                path = FIELD_PATHS.get(name)
                if path is None:
                    path = "pieces" if name == "documents" else "cerfa"
                errors.setdefault(path, []).append(_("Manquant : %(what)s.") % {"what": label})
            return dossier, errors
        mandate = key.profile == Profile.MEMBER or self._mandate(key, dossier)
        try:
            if mandate:
                services.contract_transmit(actor=actor, dossier=dossier, certified=True)
            else:
                services.contract_send_to_employer(
                    actor=actor,
                    dossier=dossier,
                    message=_("Déposé par le logiciel %(software)s.") % {"software": key.software},
                )
        except Incomplete:
            return dossier, {"cerfa": [_("Le contrat est incomplet.")]}
        except DossierError as error:
            return dossier, {"cerfa": [str(error)]}
        return dossier, {}

    @staticmethod
    def _mandate(key, dossier) -> bool:
        return Delegation.objects.filter(
            company_id=dossier.company_id,
            delegate_id=key.company_id,
            status=DelegationStatus.ACTIVE,
            apprenticeship_mandate=True,
        ).exists()

    @staticmethod
    def _unknown_paths(cerfa: dict) -> list[str]:
        known = set(PATHS) | {"employeur.siret", "contrat.remunerationsAnnuelles"}
        prefixes: set[str] = set()
        for path in known:
            parts = path.split(".")
            for i in range(1, len(parts)):
                prefixes.add(".".join(parts[:i]))
        found = []

        def walk(node, prefix):
            for name, value in node.items():
                path = f"{prefix}.{name}" if prefix else name
                if isinstance(value, dict) and path in prefixes:
                    walk(value, path)
                elif path not in known and path not in prefixes:
                    found.append(f"cerfa.{path}")

        walk(cerfa, "")
        return found[:50]


def _parse_date(text):
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _parse_decimal(text):
    try:
        return Decimal(str(text).replace(",", ".")) if text not in (None, "") else None
    except ArithmeticError:
        return None


@extend_schema_view(
    post=extend_schema(
        summary="Déposer un contrat d'apprentissage",
        description=(
            "Le contrat (champ `cerfa`, JSON) et ses pièces en une requête multipart. Les mêmes "
            "contrôles que la saisie sur le portail, étape par étape ; les erreurs sont rendues "
            "sous le chemin du champ (`cerfa.apprenti.nir`). Rien n'est enregistré tant que le "
            "contrat n'est pas complet et valide. Une clé d'entreprise le transmet à l'OPCO ; "
            "celle d'un CFA le transmet avec le mandat de gestion, sinon l'entreprise le valide."
        ),
        request={"multipart/form-data": ContractDepositInput},
        responses={201: ContractSerializer, **_problems(400, 401, 403, 409, 429)},
        parameters=[PARAMETER],
    )
)
class ContractCollection(ContractDepositMixin, ContractList):
    pass
