"""API keys of an organisation (issue 14): created by an administrator (the secret shown once,
only its hash kept), revoked at once, recognised on each call with their use counted, every
creation, refusal and revocation recorded, the administrators told before they expire."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from monespace.core.errors import DomainError
from monespace.core.models import ActivityEvent
from monespace.notifications.services import notify

from .enums import MembershipStatus
from .models import ApiKey, Company, Membership

if TYPE_CHECKING:
    from monespace.accounts.models import User

MAX_VALIDITY_DAYS = 366
NOTICE_DAYS = (30, 7)
PREFIX = "mesp_"


class ApiKeyError(DomainError):
    pass


def _hash(secret: str) -> str:
    # A random 256-bit secret: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(secret.encode()).hexdigest()


def _event(actor: User | None, key: ApiKey, action: str, message: str = "") -> None:
    ActivityEvent.objects.create(
        actor=actor, object_type="api_key", object_id=key.pk, action=action, message=message
    )


@transaction.atomic
def api_key_create(
    *,
    actor: User,
    company: Company,
    profile: str,
    name: str,
    publisher: str,
    software: str,
    scopes: dict[str, bool],
    expires_on: date,
) -> tuple[ApiKey, str]:
    """A new key: returns it and its secret (« mesp_<prefix>_<secret> »), shown once."""
    today = timezone.localdate()
    if expires_on <= today:
        raise ApiKeyError(_("La date de fin de validité doit être à venir."), field="expires_on")
    if expires_on > today + timedelta(days=MAX_VALIDITY_DAYS):
        raise ApiKeyError(
            _("Une clé est valable un an au plus : jusqu'au %(date)s.")
            % {"date": (today + timedelta(days=MAX_VALIDITY_DAYS)).strftime("%d/%m/%Y")},
            field="expires_on",
        )
    if not any(scopes.get(name) for name in ApiKey.SCOPES):
        raise ApiKeyError(_("Choisissez au moins un droit pour cette clé."))
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    full = f"{PREFIX}{prefix}_{secret}"
    key = ApiKey.objects.create(
        company=company,
        profile=profile,
        name=name,
        publisher=publisher,
        software=software,
        prefix=prefix,
        secret_hash=_hash(full),
        expires_on=expires_on,
        created_by=actor,
        **{name: bool(scopes.get(name)) for name in ApiKey.SCOPES},
    )
    _event(actor, key, "created", f"{publisher} / {software}")
    return key, full


@transaction.atomic
def api_key_revoke(*, actor: User, key: ApiKey) -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at, key.revoked_by = timezone.now(), actor
        key.save(update_fields=["revoked_at", "revoked_by"])
        _event(actor, key, "revoked")
    return key


def api_key_check(presented: str, *, scope: str | None = None, count: bool = True) -> ApiKey:
    """The key a call presents, or ApiKeyError (the refusal recorded on the key when it is
    known). Its use is counted (unless ``count`` is off: the caller counts once the call is
    allowed, ``api_key_used``)."""
    if (
        not presented
        or "\x00" in presented
        or len(presented) > 200
        or not presented.startswith(PREFIX)
        or presented.count("_") < 2
    ):
        raise ApiKeyError(_("Clé API absente ou mal formée (en-tête X-API-KEY)."), code="invalid")
    prefix = presented[len(PREFIX) :].split("_", 1)[0]
    key = ApiKey.objects.select_related("company").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(presented)):
        raise ApiKeyError(_("Clé API inconnue."), code="invalid")
    refusal = None
    if key.revoked_at is not None:
        refusal = _("Cette clé API a été révoquée.")
    elif key.expires_on < timezone.localdate():
        refusal = _("Cette clé API a expiré le %(date)s.") % {
            "date": key.expires_on.strftime("%d/%m/%Y")
        }
    if refusal:
        ApiKey.objects.filter(pk=key.pk).update(failure_count=F("failure_count") + 1)
        _event(None, key, "refused", refusal)
        raise ApiKeyError(refusal, code="invalid")
    if scope is not None and not getattr(key, scope):
        ApiKey.objects.filter(pk=key.pk).update(failure_count=F("failure_count") + 1)
        _event(None, key, "refused", scope)
        raise ApiKeyError(_("Cette clé API n'a pas ce droit."), code="forbidden")
    if count:
        api_key_used(key)
    return key


def api_key_used(key: ApiKey) -> None:
    ApiKey.objects.filter(pk=key.pk).update(
        use_count=F("use_count") + 1, last_used_at=timezone.now()
    )


def expiry_notices(*, today: date | None = None) -> int:
    """Daily: tell the organisation's administrators 30 and 7 days before a key expires (once
    each, whatever the number of runs). Returns the number of keys concerned."""
    today = today or timezone.localdate()
    sent = 0
    for days in sorted(NOTICE_DAYS):  # the nearest first: one notice a run at most
        # Within ``days`` of the end, whenever the job runs (a day missed sends the next day);
        # the 30-day notice is not sent once the 7-day one has been.
        for key in (
            ApiKey.objects.usable(today)
            .filter(expires_on__lte=today + timedelta(days=days))
            .select_related("company")
        ):
            if any(d in key.notified_days for d in NOTICE_DAYS if d <= days):
                continue
            key.notified_days = [*key.notified_days, days]
            key.save(update_fields=["notified_days"])
            admins = Membership.objects.filter(
                company=key.company,
                profile=key.profile,
                status=MembershipStatus.ACTIVE,
                is_admin=True,
            ).select_related("user")
            title = _("La clé API « %(name)s » expire dans %(days)s jours") % {
                "name": key.name,
                "days": (key.expires_on - today).days,
            }
            body = _(
                "Créez une nouvelle clé pour %(software)s avant le %(date)s, sans quoi le "
                "logiciel ne pourra plus échanger avec l'OPCO."
            ) % {"software": key.software, "date": key.expires_on.strftime("%d/%m/%Y")}
            url = f"/administration/entreprises/{key.company_id}/{key.profile}/cles-api/"
            notify([m.user for m in admins], title=title, body=body, url=url)
            sent += 1
    return sent
