"""« Joindre des fichiers » and the download of a dossier's documents, through the permission
check (never a direct link to the file)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monespace.accounts.enums import SecurityEventKind
from monespace.accounts.services import security_event_record
from monespace.core import antivirus, submissions
from monespace.core.uploads import StorageUnavailable, download_name, file_download
from monespace.dossiers import access, services

from .common import dossier_for, scope
from .forms import DocumentForm, remember_refused_upload


@login_required
@require_POST
def document_upload(request, pk):
    """Before or after transmission, by those allowed to attach."""
    dossier = access.dossier_to_attach(request.user, pk, **scope(request))
    # The same form posted again (a retry after a dropped connection, a double click) attaches
    # the file once (core/submissions.py).
    if (earlier := submissions.replay(request)) is not None:
        return earlier
    form = DocumentForm(request.POST, request.FILES)
    # Sent from the last entry step: back there.
    back = request.POST.get("back", "")
    if not (dossier.is_editable and back in dict(dossier.spec.steps_for(dossier))):
        back = ""
    after = (
        reverse("www:dossier_step", args=[dossier.pk, back])
        if back
        else f"{reverse('www:dossier', args=[dossier.pk])}?onglet=documents"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.document_add(
                    actor=request.user,
                    dossier=dossier,
                    upload=data["file"],
                    content_type=form.content_type,
                    piece_type=data["piece_type"],
                    title=data["title"],
                    comment=data["comment"],
                    verdict=form.verdict,
                )
                submissions.record(request, after)
        except submissions.AlreadySubmitted as first:
            return first.response
        except StorageUnavailable as refused:
            # Disk full, object store down: nothing saved; said next to the file, typed kept.
            form.add_error("file", refused.message)
            remember_refused_upload(request, form, dossier)
            messages.error(
                request, _("Le fichier n'est pas joint : réessayez dans quelques minutes.")
            )
            return redirect(after)
        if form.verdict.status == antivirus.UNAVAILABLE:
            messages.success(
                request,
                _(
                    "Le document est joint au dossier ; il est en cours d'analyse antivirus et sera "
                    "disponible dans quelques minutes."
                ),
            )
        else:
            messages.success(request, _("Le document est joint au dossier."))
    else:
        if form.refused is not None:
            security_event_record(kind=SecurityEventKind.UPLOAD_REFUSED, user=request.user)
        # Back to the page, the errors next to the fields and what was typed kept.
        remember_refused_upload(request, form, dossier)
        messages.error(request, _("Le fichier n'est pas joint : corrigez ce qui est indiqué."))
    return redirect(after)


@login_required
@require_GET
def document_download(request, pk, document_pk):
    document = access.document_for(request.user, dossier_for(request, pk), document_pk)
    if not document.is_usable:
        return render(
            request, "www/dossiers/document_not_ready.html", {"document": document}, status=409
        )
    return file_download(
        document.file,
        filename=download_name(document.original_name, document.content_type),
        content_type=document.content_type,
        missing=_("Ce document n'est plus disponible."),
    )
