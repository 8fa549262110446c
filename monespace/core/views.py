from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import OutboxMessage


def dev_outbox(request, pk=None):
    """Developer outbox: the e-mails the portal sent, readable in the browser. DEBUG only."""
    if not settings.DEBUG:
        raise Http404
    messages_ = OutboxMessage.objects.all()[:50]
    selected = get_object_or_404(OutboxMessage, pk=pk) if pk else None
    return render(request, "dev/outbox.html", {"outbox": messages_, "selected": selected})


def error_404(request, exception):
    return render(request, "errors/404.html", status=404)


def error_403(request, exception):
    return render(request, "errors/403.html", status=403)


def error_400(request, exception):
    return render(request, "errors/400.html", status=400)


def error_500(request):
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)
