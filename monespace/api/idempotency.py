"""``Idempotency-Key`` on every POST of the API (the draft IETF header): the same key with the
same content replays the first answer (same status and body) for ``KEEP``; the same key with
another content is a 409 problem. The content's digest is computed on the parsed fields and the
files' SHA-256, not on the raw body: a retry re-encoded with another multipart boundary is the
same request. Answers of 5xx are not kept (the client may retry them)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotencyRecord

KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"
PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Clé choisie par le logiciel (255 caractères au plus) : un nouvel envoi avec la même "
        "clé et le même contenu rejoue la première réponse pendant 24 heures."
    ),
)


class Conflict(APIException):
    status_code = 409
    default_detail = _(
        "Cette clé d'idempotence a déjà servi pour une autre requête : choisissez une autre clé."
    )


def fingerprint(request) -> str:
    digest = hashlib.sha256()
    fields = {}
    for name in sorted(request.data.keys()) if hasattr(request.data, "keys") else ():
        if name in request.FILES:
            continue
        values = (
            request.data.getlist(name) if hasattr(request.data, "getlist") else [request.data[name]]
        )
        fields[name] = values
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    for name in sorted(request.FILES.keys()):
        for upload in request.FILES.getlist(name):
            part = hashlib.sha256()
            for chunk in upload.chunks():
                part.update(chunk)
            upload.seek(0)
            digest.update(f"{name}:{part.hexdigest()}".encode())
    return digest.hexdigest()


class IdempotentPost:
    """Mixin of the API's POST views (after their authentication)."""

    def post(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return self.create_response(request, *args, **kwargs)
        if not key or len(key) > 255:
            raise ValidationError({HEADER: [_("255 caractères au plus, non vide.")]})
        where = f"{request.method} {request.path}"[:300]
        seen = fingerprint(request)
        IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        # The key is taken first (status 0: in progress), so that a twin sent at the same
        # moment finds it and never does the work a second time.
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    api_key=request.auth, key=key, request=where, fingerprint=seen, status=0
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(api_key=request.auth, key=key)
            if record.request != where or record.fingerprint != seen:
                raise Conflict from None
            if record.status == 0:
                raise Conflict(
                    _("Une requête avec cette clé d'idempotence est en cours : réessayez.")
                ) from None
            response = Response(record.body, status=record.status)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = self.create_response(request, *args, **kwargs)
        except BaseException:
            # Refused (an answer recomputed on a retry) or failed: the key is free again.
            record.delete()
            raise
        if response.status_code >= 500:
            record.delete()
            return response
        # As sent (DRF's encoder: dates, decimals), replayed as is.
        record.status = response.status_code
        record.body = json.loads(JSONRenderer().render(response.data))
        record.save(update_fields=["status", "body"])
        return response
        response = self.create_response(request, *args, **kwargs)
        if response.status_code < 500:
            try:
                with transaction.atomic():
                    IdempotencyRecord.objects.create(
                        api_key=request.auth,
                        key=key,
                        request=where,
                        fingerprint=seen,
                        status=response.status_code,
                        # As sent (DRF's encoder: dates, decimals), replayed as is.
                        body=json.loads(JSONRenderer().render(response.data)),
                    )
            except IntegrityError:  # the same key sent twice at once: the other one won
                raise Conflict from None
        return response
