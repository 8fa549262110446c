"""« Exploitation » in the back office (issue 16): the e-mails the mail server refused for good,
with the reason and « Renvoyer », those still being retried, and the periodic jobs' last runs.
Every staff member reads it and may send an e-mail again; no one reads an e-mail's text here
(it may hold a sign-in link)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from monespace.core.mail import email_resend
from monespace.core.models import EmailState, OutgoingEmail, PeriodicRun
from monespace.core.schedule import JOBS

from .views import _posted_int, staff_required


@staff_required
@require_GET
def operations(request):
    failed = OutgoingEmail.objects.filter(state=EmailState.FAILED).only(
        "pk", "to", "subject", "attempts", "last_error", "created_at"
    )
    retrying = OutgoingEmail.objects.filter(state=EmailState.QUEUED, attempts__gt=0).only(
        "pk", "to", "subject", "attempts", "last_error", "next_attempt_at"
    )
    runs = {run.name: run for run in PeriodicRun.objects.all()}
    return render(
        request,
        "backoffice/operations.html",
        {
            "failed": Paginator(failed.order_by("-created_at", "-pk"), 50).get_page(
                request.GET.get("page")
            ),
            "retrying": list(retrying.order_by("next_attempt_at", "pk")[:50]),
            "jobs": [(job, runs.get(job.name)) for job in JOBS],
        },
    )


@staff_required
@require_POST
def email_send_again(request, pk):
    if email_resend(pk=_posted_int(pk)):
        messages.success(request, _("L'e-mail est remis dans la file d'envoi."))
    else:
        messages.info(request, _("Cet e-mail n'est plus en échec."))
    return redirect("backoffice:operations")
