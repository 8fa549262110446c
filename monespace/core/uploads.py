"""Checking uploaded files by their content, never by their name; writing them to storage
(a storage that refuses is a French error, never a half-written file)."""

import contextlib
import errno
import logging
import re
import unicodedata

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError

# The extension a served file gets, from the type detected in its content (never the uploader's).
logger = logging.getLogger(__name__)

EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}

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


# Control characters (Cc), format characters (Cf: right-to-left overrides, zero-width
# spaces…), separators other than the plain space, and characters a file system or a header
# treats specially.
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]')


def clean_display_name(name: str, *, limit: int = 120) -> str:
    """A file name fit to show or to send: no control or bidirectional characters (a name
    like ``rtl\u202efdp.exe`` shows as ``rtlfdp.exe``), no path, collapsed spaces."""
    kept = "".join(
        " " if unicodedata.category(c) in ("Zs", "Zl", "Zp") else c
        for c in unicodedata.normalize("NFC", name or "")
        if unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cs", "Cn")
    )
    kept = _UNSAFE_IN_NAMES.sub("_", kept)
    return " ".join(kept.split())[:limit].strip(" .")


def download_name(original: str, content_type: str, *, fallback: str = "document") -> str:
    """The name a file is served under: the uploader's name without its extension, cleaned,
    and the extension of the type detected in its content (a PDF named ``facture.html`` is
    served as ``facture.pdf``)."""
    stem = clean_display_name(original).rsplit(".", 1)[0].strip(" .") or fallback
    return stem[:100] + EXTENSIONS.get(content_type, "")


def file_download(file, *, filename: str, content_type: str, missing: str) -> HttpResponse:
    """A stored file as a private download (never cached, never sniffed), or 410 with
    ``missing`` when storage no longer has it (logged: a row points to nothing)."""
    try:
        stream = file.open("rb")
        if not file.storage.exists(file.name):  # an object store opens lazily
            raise FileNotFoundError(file.name)
    except FileNotFoundError:
        logger.error("file missing from storage: %s", file.name)
        return HttpResponse(missing, status=410)
    response = FileResponse(
        stream, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Writing to storage -----------------------------------------------------------------------


class StorageUnavailable(DomainError):
    """The storage refused a file (disk full or read-only, object store down, refusing the
    credentials or missing its bucket): nothing was saved, the user tries again later."""

    code = "storage_unavailable"
    default_message = gettext_lazy(
        "Le fichier n'a pas pu être enregistré : l'espace de stockage des documents est "
        "momentanément indisponible. Rien n'a été enregistré ; réessayez dans quelques minutes."
    )


# A local disk that cannot take a write: full, over its quota, read-only, failing.
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


def _object_store_error(error: BaseException) -> bool:
    # boto3's and botocore's errors (S3 storage), told by their module without importing them.
    return type(error).__module__.split(".")[0] in {"boto3", "botocore", "s3transfer"}


def is_storage_failure(error: BaseException) -> bool:
    """Whether an error escaping a request is the storage's (a 503, not a 500: core/views)."""
    return (
        isinstance(error, StorageUnavailable)
        or (isinstance(error, OSError) and error.errno in _DISK_ERRNOS)
        or _object_store_error(error)
    )


def store_file(file, name: str, content) -> str:
    """Write ``content`` to storage as the row's ``file`` (a ``FieldFile``; what
    ``file.save(name, content, save=False)`` does), before the caller saves the row in its
    transaction: a row never points to a file that was not written, and a rollback after the
    write leaves an unreferenced file to the sweeper (core/storage_sweep.py).

    A storage that refuses raises ``StorageUnavailable`` (French, for the « file » field);
    on the local disk, what a full disk let be written of the file is removed at once."""
    field = file.field
    key = field.generate_filename(file.instance, name)
    storage = file.storage
    local = isinstance(storage, FileSystemStorage)
    existed = local and storage.exists(key)  # never remove a file this call did not write
    try:
        saved = storage.save(key, content, max_length=field.max_length)
    except Exception as error:
        if not (isinstance(error, OSError) or _object_store_error(error)):
            raise
        logger.error("storage refused %s: %s: %s", key, type(error).__name__, error)
        if local and not existed:
            with contextlib.suppress(OSError):
                storage.delete(key)
        raise StorageUnavailable(field="file") from error
    setattr(file.instance, field.attname, saved)
    return saved
