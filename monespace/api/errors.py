"""Errors of the API as RFC 9457 problems (``application/problem+json``): a type, a French
title and detail, the status, and for invalid input the messages per field path."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler


class ProblemJSONRenderer(JSONRenderer):
    """Declares the problems' media type (the schema documents the errors with it)."""

    media_type = "application/problem+json"


TITLES = {
    400: gettext_lazy("Requête invalide"),
    401: gettext_lazy("Authentification requise"),
    403: gettext_lazy("Accès refusé"),
    404: gettext_lazy("Ressource introuvable"),
    405: gettext_lazy("Méthode non autorisée"),
    406: gettext_lazy("Format non disponible"),
    409: gettext_lazy("Conflit"),
    413: gettext_lazy("Contenu trop volumineux"),
    415: gettext_lazy("Format de contenu non pris en charge"),
    429: gettext_lazy("Trop de requêtes"),
}


def _errors(detail, path: str = "") -> dict[str, list[str]]:
    """{"cerfa.apprenti.nom": ["…"]} from DRF's nested details."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            found.update(_errors(value, f"{path}.{key}" if path else str(key)))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            found[path or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                found.update(_errors(item, f"{path}[{index}]"))
    else:
        found[path or "non_field_errors"] = [str(detail)]
    return found


def problem_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(code, _("Erreur"))),
        "status": code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = _("Certaines valeurs sont refusées : voir « errors ».")
        body["errors"] = _errors(exc.detail)
    elif isinstance(exc, exceptions.APIException):
        body["detail"] = str(exc.detail)
    if code == status.HTTP_429_TOO_MANY_REQUESTS and getattr(exc, "wait", None):
        body["retryAfter"] = int(exc.wait)
    response.data = body
    response.content_type = "application/problem+json"
    return response
