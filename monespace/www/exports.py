"""« Exporter » a list to Excel: the export is asked with the list's filters, runs in the
background, shows its progress (an HTMX fragment polled every second) and offers its file; the
user's exports are listed until they expire."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monespace.core.identifiers import parse_id
from monespace.core.uploads import file_download
from monespace.exports.models import ExportJob, ExportState
from monespace.exports.services import ExportError, export_allowed, export_request

from .perimeter import get_perimeter


def _job(request, pk) -> ExportJob:
    number = parse_id(pk)
    job = (
        ExportJob.objects.filter(user=request.user, pk=number).first()
        if number is not None
        else None
    )
    if job is None:  # another user's export does not exist for this one
        raise Http404
    return job


@login_required
@require_POST
def export_new(request):
    params = QueryDict(request.POST.get("query", "")[:2000])
    perimeter = get_perimeter(request)
    try:
        job = export_request(
            user=request.user,
            params={key: params.get(key) for key in params},
            perimeter=perimeter["id"] if perimeter else None,
            source=request.POST.get("source", "dossiers"),
        )
    except ExportError as error:
        messages.error(request, error.message)
        return redirect("www:exports")
    return redirect("www:export", pk=job.pk)


@login_required
@require_GET
def export_list(request):
    page = Paginator(ExportJob.objects.filter(user=request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "www/exports/list.html", {"page": page})


@login_required
@require_GET
def export_detail(request, pk):
    return render(request, "www/exports/detail.html", {"job": _job(request, pk)})


@login_required
@require_GET
def export_progress(request, pk):
    """The progress bar, polled while the export runs (it stops polling once finished)."""
    return render(request, "www/exports/_progress.html", {"job": _job(request, pk)})


@login_required
@require_GET
def export_file(request, pk):
    job = _job(request, pk)
    if job.state != ExportState.DONE or not job.file:
        return HttpResponse(status=410 if job.state == ExportState.EXPIRED else 409)
    if not export_allowed(request.user, job):
        # Rights lost since the export was made (or a staff account without its second factor).
        return HttpResponse(_("Vos droits ne permettent plus d'obtenir ce fichier."), status=410)
    return file_download(
        job.file,
        filename=job.file_name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        missing=_("Ce fichier n'est plus disponible : demandez un nouvel export."),
    )
