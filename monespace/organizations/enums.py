from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.TextChoices):
    """The two profiles of the portal (seed 002): adhérent (member company) or prestataire."""

    MEMBER = "member", _("Adhérent")
    PROVIDER = "provider", _("Organisme de formation")


class AdministrativeState(models.TextChoices):
    ACTIVE = "A", _("Actif")
    CLOSED = "F", _("Fermé")


class CompanyState(models.TextChoices):
    ACTIVE = "A", _("Active")
    CEASED = "C", _("Cessée")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refusée")
    REVOKED = "revoked", _("Retirée")


class MembershipSource(models.TextChoices):
    SIGNUP = "signup", _("Inscription")
    KNOWN_CONTACT = "known_contact", _("Contact connu de l'OPCO")
    REQUEST = "request", _("Demande de rattachement")
    TAKEOVER = "takeover", _("Reprise de l'ancien portail")


# Tranches d'effectifs of the Sirene files (domain-portal.md §4.1).
HEADCOUNT_BANDS = {
    "NN": _("Unité non employeuse"),
    "00": _("0 salarié"),
    "01": _("1 ou 2 salariés"),
    "02": _("3 à 5 salariés"),
    "03": _("6 à 9 salariés"),
    "11": _("10 à 19 salariés"),
    "12": _("20 à 49 salariés"),
    "21": _("50 à 99 salariés"),
    "22": _("100 à 199 salariés"),
    "31": _("200 à 249 salariés"),
    "32": _("250 à 499 salariés"),
    "41": _("500 à 999 salariés"),
    "42": _("1 000 à 1 999 salariés"),
    "51": _("2 000 à 4 999 salariés"),
    "52": _("5 000 à 9 999 salariés"),
    "53": _("10 000 salariés et plus"),
}
