"""The pages under « Aide & contact »: one page per practical guide and the frequently asked
questions (content in guides.py).

Like the help page itself, they are public: the « Première connexion » guide and the questions
about accounts and activation codes serve people who cannot sign in yet, and nothing here
depends on who reads it (the links to the portal's pages ask for a login where those do).
"""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import guides


@require_GET
def help_guide(request, slug):
    """A practical guide: its sections and numbered steps; an unknown slug is a 404."""
    guide = guides.GUIDES_BY_SLUG.get(slug)
    if guide is None:
        raise Http404
    others = [g for g in guides.GUIDES if g.slug != slug]
    return render(request, "www/help/guide.html", {"guide": guide, "others": others})


@require_GET
def help_faq(request):
    """« Questions fréquentes »: the questions of seed 002 by theme, each with its anchor."""
    return render(request, "www/help/faq.html", {"themes": guides.FAQ})
