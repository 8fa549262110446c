from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from monespace.organizations.models import Company, Establishment, Membership


def staff_required(view):
    """Staff pages do not exist for anyone else: 404, never a 403 that confirms them."""

    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_staff):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@staff_required
def home(request):
    """Back-office home: the figures of the directory and the requests waiting for a decision."""
    context = {
        "company_count": Company.objects.count(),
        "establishment_count": Establishment.objects.count(),
        "pending_count": Membership.objects.pending().count(),
        "staff_queue_count": Membership.objects.awaiting_staff().count(),
    }
    return render(request, "backoffice/home.html", context)


@staff_required
def requests(request):
    """Pending attachment requests of companies that have no administrator yet: staff decide."""
    paginator = Paginator(
        Membership.objects.awaiting_staff()
        .select_related("user", "company", "requested_establishment")
        .order_by("created_at"),
        50,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "backoffice/requests.html", {"page": page})
