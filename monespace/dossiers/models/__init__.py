"""The dossier core (common to every dispositif) and each dispositif's own tables."""

from .apprenticeship import (
    DECISION_DAYS,
    ApprenticeshipContract,
    ContractRupture,
    PayLine,
    RuptureReason,
)
from .core import (
    MONEY,
    Decision,
    DecisionKind,
    Document,
    Dossier,
    DossierEvent,
    DossierSequence,
    Employee,
    FundingRule,
    GrantedAmount,
    RequiredDocument,
    SavedView,
    SmicRate,
    document_key,
)
from .funding import (
    CommitmentReason,
    FundingCommitment,
    Instalment,
    InstalmentState,
)
from .professionalisation import PRO_DECISION_DAYS, ProfessionalisationContract
from .training_action import COST_FIELDS, MAX_TRAINEES, Module, Trainee, TrainingAction

__all__ = [
    "COST_FIELDS",
    "DECISION_DAYS",
    "MAX_TRAINEES",
    "MONEY",
    "PRO_DECISION_DAYS",
    "ApprenticeshipContract",
    "CommitmentReason",
    "ContractRupture",
    "Decision",
    "DecisionKind",
    "Document",
    "Dossier",
    "DossierEvent",
    "DossierSequence",
    "Employee",
    "FundingCommitment",
    "FundingRule",
    "GrantedAmount",
    "Instalment",
    "InstalmentState",
    "Module",
    "PayLine",
    "ProfessionalisationContract",
    "RequiredDocument",
    "RuptureReason",
    "SavedView",
    "SmicRate",
    "Trainee",
    "TrainingAction",
    "document_key",
]
