"""Background work of the referentials."""

from django.tasks import task


@task()
def import_npec_upload(upload_id: int) -> str:
    from .npec import upload_import

    return upload_import(upload_id).state
