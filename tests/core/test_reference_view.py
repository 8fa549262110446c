"""The load benchmark's reference page exists only when BENCHMARK_REFERENCE_VIEW is on."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from monespace.core import views
from monespace.dossiers.models import Dossier
from tests.factories import EstablishmentFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/_bench/reference/"


@pytest.fixture(autouse=True)
def _fresh_id_range():
    views._dossier_id_range.cache_clear()
    yield
    views._dossier_id_range.cache_clear()


@pytest.fixture
def dossier():
    establishment = EstablishmentFactory()
    return Dossier.objects.create(
        company=establishment.company, establishment=establishment, title="RÉFÉRENCE"
    )


def test_off_by_default_and_not_routed(client):
    assert settings.BENCHMARK_REFERENCE_VIEW is False
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404


def test_the_view_itself_refuses_when_the_setting_is_off(rf, settings, dossier):
    # The URLconf is read once, so the view checks the setting at request time too.
    settings.BENCHMARK_REFERENCE_VIEW = False
    request = rf.get(URL, {"id": dossier.pk})
    request.user = UserFactory()
    with pytest.raises(Http404):
        views.benchmark_reference(request)


def test_on_it_reads_one_dossier_by_id(rf, settings, dossier, django_assert_num_queries):
    settings.BENCHMARK_REFERENCE_VIEW = True
    request = rf.get(URL, {"id": dossier.pk})
    request.user = UserFactory()
    with django_assert_num_queries(1):
        response = views.benchmark_reference(request)
    assert response.status_code == 200
    assert f"{dossier.pk} -" in response.content.decode()


def test_on_without_id_it_picks_one_in_the_range(rf, settings, dossier):
    settings.BENCHMARK_REFERENCE_VIEW = True
    request = rf.get(URL)
    request.user = UserFactory()
    assert views.benchmark_reference(request).status_code == 200


def test_on_it_requires_a_signed_in_user(rf, settings):
    settings.BENCHMARK_REFERENCE_VIEW = True
    request = rf.get(URL)
    request.user = AnonymousUser()
    response = views.benchmark_reference(request)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
