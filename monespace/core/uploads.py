"""Checking uploaded files by their content, never by their name."""

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
}


def check_upload(upload):
    """Return the detected content type of an allowed file, or raise a French ValidationError."""
    if upload.size == 0:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Le fichier dépasse la taille maximale de %(max)s.")
            % {"max": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="too_big",
        )
    head = upload.read(8192)
    upload.seek(0)
    content_type = magic.from_buffer(head, mime=True)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "Ce type de fichier n'est pas accepté : joignez un PDF, une image (JPEG, PNG) ou un document bureautique."
            ),
            code="type",
        )
    return content_type
