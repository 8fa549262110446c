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
    }
    return render(request, "backoffice/home.html", context)
