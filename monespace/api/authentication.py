"""API keys as DRF authentication (the inter-OPCO « API CFA » convention: X-API-KEY, and the
EDITEUR / LOGICIEL / VERSION headers naming the calling software)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from monespace.organizations.api_keys import ApiKeyError, api_key_check
from monespace.organizations.models import ApiKey

SOFTWARE_HEADERS = ("EDITEUR", "LOGICIEL", "VERSION")


class ApiClient:
    """The caller behind a key: an organisation's software, never a person."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    unread_notifications = 0  # the error pages' context reads it

    def __init__(self, key: ApiKey) -> None:
        self.key = key

    def __str__(self) -> str:
        return f"{self.key.software} ({self.key.company.name})"


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        presented = request.headers.get("X-API-KEY")
        if presented is None:
            return None
        missing = [name for name in SOFTWARE_HEADERS if not request.headers.get(name)]
        if missing:
            raise AuthenticationFailed(
                _("En-têtes obligatoires absents : %(names)s (le logiciel qui appelle).")
                % {"names": ", ".join(missing)}
            )
        try:
            key = api_key_check(presented, count=False)
        except ApiKeyError as error:
            raise AuthenticationFailed(error.message) from None
        return ApiClient(key), key

    def authenticate_header(self, request):
        return "X-API-KEY"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "monespace.api.authentication.ApiKeyAuthentication"
    name = "cleApi"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-API-KEY"}


def scope(name: str) -> type[BasePermission]:
    """A key with the right ``name`` (``can_read_contracts``…); a refusal is recorded."""

    class HasScope(BasePermission):
        def has_permission(self, request, view):
            key = request.auth
            if not isinstance(key, ApiKey):
                raise AuthenticationFailed(_("Clé API absente (en-tête X-API-KEY)."))
            try:
                api_key_check(request.headers.get("X-API-KEY", ""), scope=name)
            except ApiKeyError as error:
                raise PermissionDenied(error.message) from None
            return True

    return HasScope


class ApiKeyThrottle(SimpleRateThrottle):
    """Calls per key (each organisation's software has its share)."""

    rate = "600/min"

    def get_cache_key(self, request, view):
        key = request.auth
        return f"throttle_apikey_{key.prefix}" if isinstance(key, ApiKey) else None
