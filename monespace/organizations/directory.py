"""The establishment directory as the journeys see it.

Every journey looks establishments up through ``get_directory()``; the default backend reads the
tables filled by the Sirene import. Another backend (API Sirene, recherche-entreprises) can be
plugged in with the DIRECTORY_BACKEND setting, as long as it returns the same result.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .enums import Profile
from .models import Company, Establishment


@dataclass(frozen=True)
class LookupResult:
    """What the directory knows of a SIRET or SIREN typed by a user."""

    company: Company | None
    establishment: Establishment | None  # None when a SIREN was typed

    @property
    def found(self):
        return self.company is not None

    @property
    def is_active(self):
        if not self.found or not self.company.is_active:
            return False
        if self.establishment is not None:
            return self.establishment.is_active
        return True

    def known_establishments(self, profile):
        """Establishments the OPCO knows under this profile, within what was typed."""
        if not self.found:
            return Establishment.objects.none()
        if self.establishment is not None:
            queryset = Establishment.objects.filter(pk=self.establishment.pk)
        else:
            queryset = self.company.establishments.all()
        return queryset.known_as(profile)

    def is_known(self, profile):
        return self.known_establishments(profile).exists()

    def matching_establishment(self, profile, number):
        """The establishment whose OPCO number (adhérent or organisme de formation) is ``number``."""
        number = (number or "").strip().replace(" ", "").upper()
        if not number:
            return None
        field = (
            "provider_number__iexact" if profile == Profile.PROVIDER else "member_number__iexact"
        )
        return self.known_establishments(profile).filter(**{field: number}).first()


class LocalDirectory:
    """Directory backed by our own tables (filled by ``import_sirene``)."""

    def lookup(self, number):
        if len(number) == 14:
            establishment = (
                Establishment.objects.select_related("company").filter(siret=number).first()
            )
            if establishment is None:
                return LookupResult(company=None, establishment=None)
            return LookupResult(company=establishment.company, establishment=establishment)
        company = Company.objects.filter(siren=number).first()
        return LookupResult(company=company, establishment=None)


@cache
def _backend_class(path):
    return import_string(path)


def get_directory():
    return _backend_class(settings.DIRECTORY_BACKEND)()
