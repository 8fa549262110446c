from django.db import models
from django.utils.translation import gettext_lazy as _


class Civility(models.TextChoices):
    MADAME = "mme", _("Madame")
    MONSIEUR = "m", _("Monsieur")


class NotificationTheme(models.TextChoices):
    """The four e-mail themes a user chooses at registration (seed 001, step 2)."""

    CONTRIBUTION = (
        "contribution",
        _("Contribution formation (contribution légale, conventionnelle…)"),
    )
    DOSSIERS = (
        "dossiers",
        _("Instruction des dossiers (accord de prise en charge, demande de pièces…)"),
    )
    INVOICES = "invoices", _("Instruction des factures (demande de pièces, avoir…)")
    PAYMENTS = "payments", _("Règlement des dossiers (avis de virement)")


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Connexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    LOCKOUT = "lockout", _("Connexions bloquées après trop d'échecs")
    LOGOUT = "logout", _("Déconnexion")
    UPLOAD_REFUSED = "upload_refused", _("Fichier refusé par l'antivirus")
    PASSWORD_SET = "password_set", _("Mot de passe choisi")
    PASSWORD_CHANGED = "password_changed", _("Mot de passe modifié")
    PASSWORD_RESET = "password_reset", _("Mot de passe réinitialisé")
    EMAIL_VERIFIED = "email_verified", _("Adresse e-mail vérifiée")
    EMAIL_CHANGED = "email_changed", _("Adresse e-mail modifiée")
    SUPPORT_CONSENT_GIVEN = (
        "support_consent_given",
        _("Accord donné à la connexion « en tant que »"),
    )
    SUPPORT_CONSENT_WITHDRAWN = (
        "support_consent_withdrawn",
        _("Accord retiré à la connexion « en tant que »"),
    )
    OTHER_SESSIONS_ENDED = "other_sessions_ended", _("Autres sessions déconnectées")


class StaffRole(models.TextChoices):
    ADVISOR = "advisor", _("Conseiller")
    TRAINING_ASSISTANT = "training_assistant", _("Assistant formation")
    MANAGER = "manager", _("Manager")
    SUPPORT = "support", _("Support")
    # Prepares and approves payment runs (four eyes: two of them, or a manager).
    ACCOUNTANT = "accountant", _("Gestionnaire des règlements")


class ContactRole(models.TextChoices):
    """What a staff member follows as a company's « interlocuteur », per dispositif (seed 003:
    « Conseiller plan », « Assistant formation plan », « Conseiller prof », « Assistant
    formation prof »). Independent of ``StaffRole``, which gives rights in the back office."""

    PLAN_ADVISOR = "plan_advisor", _("Conseiller(ère) plan de développement des compétences")
    PLAN_ASSISTANT = "plan_assistant", _("Assistant(e) plan de développement des compétences")
    PRO_ADVISOR = "pro_advisor", _("Conseiller(ère) professionnalisation / alternance")
    PRO_ASSISTANT = "pro_assistant", _("Assistant(e) professionnalisation / alternance")
