from django.core.signals import request_finished
from django.db import close_old_connections


def read_streaming(response):
    """Read a streaming response (file download) and close it, without letting Django's
    end-of-request handler close the test's database connection (it would on PostgreSQL)."""
    body = b"".join(response.streaming_content)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    return body


def create_dossier(**values):
    """A dossier and its training-action row from one set of values (the fields of the
    training action go to its row), with the models' own defaults for the rest."""
    from monespace.dossiers.models import Dossier, TrainingAction

    own = {f.name for f in TrainingAction._meta.concrete_fields} - {"dossier"}
    training = {name: values.pop(name) for name in list(values) if name in own}
    dossier = Dossier.objects.create(**values)
    TrainingAction.objects.create(dossier=dossier, **training)
    return dossier
