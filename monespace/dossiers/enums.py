from django.db import models
from django.utils.translation import gettext_lazy as _


class DossierKind(models.TextChoices):
    TRAINING_ACTION = "training_action", _("Action de formation")
    APPRENTICESHIP = "apprenticeship", _("Contrat d'apprentissage")
    PROFESSIONALISATION = "professionalisation", _("Contrat de professionnalisation")
    PRO_A = "pro_a", _("Pro-A (reconversion ou promotion par l'alternance)")


class DossierState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    # A contract pre-entered by a CFA without « mandat de gestion », for the company to validate.
    AWAITING_EMPLOYER = "awaiting_employer", _("À valider par l'employeur")
    SUBMITTED = "submitted", _("Transmis")
    UNDER_REVIEW = "under_review", _("En instruction")
    DOCUMENTS_REQUESTED = "documents_requested", _("Pièces demandées")
    APPROVED = "approved", _("Accordé")
    REFUSED = "refused", _("Refusé")
    CLOSED = "closed", _("Clôturé")
    CANCELLED = "cancelled", _("Annulé")
    # An apprenticeship contract ended before its term (rupture).
    BROKEN = "broken", _("Rompu")


# The states in which users (not the OPCO) change a dossier.
EDITABLE_STATES = (DossierState.DRAFT, DossierState.AWAITING_EMPLOYER)


class StateGroup(models.TextChoices):
    """The groups of the seeds' lists: Brouillons, En cours, Accordé, Clôturé."""

    DRAFTS = "brouillons", _("Brouillons")
    IN_PROGRESS = "en-cours", _("En cours")
    APPROVED = "accordes", _("Accordé")
    CLOSED = "clotures", _("Clôturé")


STATE_GROUPS = {
    StateGroup.DRAFTS: [DossierState.DRAFT, DossierState.AWAITING_EMPLOYER],
    StateGroup.IN_PROGRESS: [
        DossierState.SUBMITTED,
        DossierState.UNDER_REVIEW,
        DossierState.DOCUMENTS_REQUESTED,
    ],
    StateGroup.APPROVED: [DossierState.APPROVED],
    StateGroup.CLOSED: [
        DossierState.CLOSED,
        DossierState.REFUSED,
        DossierState.CANCELLED,
        DossierState.BROKEN,
    ],
}


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("Présentiel")
    DISTANCE = "distance", _("À distance (FOAD)")
    BLENDED = "blended", _("Mixte")
    AFEST = "afest", _("Formation en situation de travail (AFEST)")


class ProviderType(models.TextChoices):
    TRAINING_ORGANISATION = "training_organisation", _("Organisme de formation")
    CFA = "cfa", _("CFA")
    OTHER = "other", _("Autre")


class EmployeeCategory(models.TextChoices):
    WORKER = "worker", _("Ouvrier")
    CLERK = "clerk", _("Employé")
    SUPERVISOR = "supervisor", _("Technicien, agent de maîtrise")
    MANAGER = "manager", _("Cadre")


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("CDI")
    FIXED_TERM = "fixed_term", _("CDD")
    OTHER = "other", _("Autre")


class PieceType(models.TextChoices):
    PROGRAMME = "programme", _("Programme détaillé")
    CONVENTION = "convention", _("Convention de formation ou devis signé")
    ATTENDANCE = "attendance", _("Feuilles d'émargement")
    CERTIFICATE = "certificate", _("Certificat de réalisation")
    INVOICE = "invoice", _("Facture")
    LETTER = "letter", _("Courrier de l'OPCO")
    SIGNED_CERFA = "signed_cerfa", _("CERFA signé")
    SIGNED_AMENDMENT = "signed_amendment", _("Avenant au contrat de travail signé (Pro-A)")
    TRAINING_AGREEMENT = "training_agreement", _("Convention de formation signée des trois parties")
    DURATION_AGREEMENT = "duration_agreement", _("Convention d'aménagement de durée")
    SWORN_STATEMENT = (
        "sworn_statement",
        _("Attestation sur l'honneur (projet de création ou de reprise d'entreprise)"),
    )
    OTHER = "other", _("Autre pièce")


class EventKind(models.TextChoices):
    CREATED = "created", _("Dossier créé")
    DUPLICATED = "duplicated", _("Dossier créé par duplication")
    SUBMITTED = "submitted", _("Dossier transmis")
    DOCUMENT_ADDED = "document_added", _("Pièce jointe")
    EDITED = "edited", _("Brouillon modifié")
    CANCELLED = "cancelled", _("Dossier annulé")
    ASSIGNED = "assigned", _("Pris en charge par un conseiller")
    DOCUMENTS_REQUESTED = "documents_requested", _("Pièces demandées")
    DOCUMENTS_PROVIDED = "documents_provided", _("Pièces fournies")
    APPROVED = "approved", _("Dossier accordé")
    REFUSED = "refused", _("Dossier refusé")
    CLOSED = "closed", _("Dossier clôturé")
    CHANGED = "changed", _("Dossier modifié par l'OPCO")
    CHANGE_REQUESTED = "change_requested", _("Demande de modification")
    SENT_TO_EMPLOYER = "sent_to_employer", _("Pré-saisie envoyée à l'employeur pour validation")
    RETURNED = "returned", _("Renvoyé au CFA par l'employeur")
    RUPTURE_DECLARED = "rupture_declared", _("Rupture du contrat déclarée")
    BROKEN = "broken", _("Rupture du contrat enregistrée par l'OPCO")
    AMENDED = "amended", _("Avenant créé")
    DEPOSITED = "deposited", _("Numéro de dépôt enregistré")
    # The take-over of the old portal (issue 15, import_old_portal_dossiers).
    TAKEN_OVER = "taken_over", _("Dossier repris de l'ancien portail")
    LEGACY_DOCUMENT = "legacy_document", _("Pièce reprise de l'ancien portail, non téléchargeable")


class ScanStatus(models.TextChoices):
    """The antivirus' verdict on a document (core/antivirus.py)."""

    PENDING = "pending", _("en cours d'analyse antivirus")
    CLEAN = "clean", _("analysé")
    UNSCANNED = "unscanned", _("non analysé")
    INFECTED = "infected", _("refusé : virus détecté")
