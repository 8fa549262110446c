import functools
import random

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.models import Max, Min
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html

from .identifiers import parse_id
from .models import OutboxMessage


def dev_outbox(request, pk=None):
    """Developer outbox: the e-mails the portal sent, readable in the browser. DEBUG only."""
    if not settings.DEBUG:
        raise Http404
    messages_ = OutboxMessage.objects.all()[:50]
    selected = get_object_or_404(OutboxMessage, pk=pk) if pk else None
    return render(request, "dev/outbox.html", {"outbox": messages_, "selected": selected})


@functools.cache
def _dossier_id_range():
    """Lowest and highest dossier ids, read once per process (the benchmark's data is fixed)."""
    from monespace.dossiers.models import Dossier

    bounds = Dossier.objects.aggregate(low=Min("pk"), high=Max("pk"))
    return bounds["low"] or 0, bounds["high"] or 0


def benchmark_reference(request):
    """The load benchmark's reference page (benchmarks/scale/): what any page costs at least.

    It goes through the whole middleware stack, needs a signed-in user like every page, reads
    one dossier by primary key (``?id=N``, or a random id in the table's range) and returns a
    few bytes of HTML. Only exists when ``BENCHMARK_REFERENCE_VIEW`` is on: the URL is routed
    only then, and the view checks it again at request time.
    """
    if not settings.BENCHMARK_REFERENCE_VIEW:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    from monespace.dossiers.models import Dossier

    pk = parse_id(request.GET.get("id"))
    if pk is None:
        pk = random.randint(*_dossier_id_range())
    number = Dossier.objects.filter(pk=pk).values_list("number", flat=True).first()
    return HttpResponse(
        format_html("<!doctype html><title>Référence</title><p>{} {}</p>", pk, number or "-")
    )


def error_404(request, exception):
    return render(request, "errors/404.html", status=404)


def error_403(request, exception):
    return render(request, "errors/403.html", status=403)


def error_400(request, exception):
    return render(request, "errors/400.html", status=400)


def error_500(request):
    """A database that does not answer (down, restarting, overloaded), or a storage that
    refuses a file (disk full, object store down: core/uploads.py) where no page catches it,
    is a 503 with ``Retry-After`` and a page that needs nothing from them; anything else, the
    500 page."""
    import sys

    from django.db import DatabaseError, InterfaceError, OperationalError

    from .uploads import is_storage_failure

    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)) or (
        error is not None and is_storage_failure(error)
    ):
        return service_unavailable(request)
    try:
        return render(request, "errors/500.html", status=500)
    except DatabaseError:  # the page's own reads failed too
        return service_unavailable(request)


UNAVAILABLE_RETRY_AFTER = 30


def service_unavailable(request):
    """« Service momentanément indisponible »: rendered without the database (no session, no
    user, no context processor), in JSON for the API."""
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Service momentanément indisponible, réessayez dans quelques instants."},
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string(
                "errors/503.html",
                {
                    "PORTAL_NAME": settings.PORTAL_NAME,
                    "OPCO_NAME": settings.OPCO_NAME,
                    "OPCO_PHONE": settings.OPCO_PHONE,
                },
            ),
            status=503,
        )
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)
