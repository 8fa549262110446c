"""Links that domain services put in notifications and e-mails, in one place.

Services speak of places (« the dossier page », « the staff's dossier page »), not of the doors'
URL names: this table maps one to the other, so that renaming a door's URL touches one line.
"""

from django.conf import settings
from django.urls import reverse

PLACES = {
    "dossier": "www:dossier",
    "staff_dossier": "backoffice:dossier",
    "attachments": "www:attachments",
    "membership": "www:administration_membership",
    "delegation": "www:delegation",
    "delegations": "www:delegations",
    "invoice": "www:invoice",
    "payment": "www:payment",
    "staff_invoice": "backoffice:invoice",
    "staff_payment_run": "backoffice:payment_run",
    "login": "account_login",
    "home": "www:home",
    "signup": "www:signup",
    "welcome": "www:signup_activate",
}


def path_to(place: str, obj=None, *, args=()) -> str:
    """The path of ``place`` (for ``obj`` when the place is an object's page)."""
    return reverse(PLACES[place], args=[obj.pk] if obj is not None else list(args))


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
