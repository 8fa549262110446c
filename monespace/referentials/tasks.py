"""Background work of the referentials."""

from django.tasks import TaskContext, task


@task(takes_context=True)
def import_npec_upload(context: TaskContext, upload_id: int) -> str:
    from .npec import upload_import

    # A second attempt: taken up again after its worker was lost (core/lost_tasks.py).
    return upload_import(upload_id, retake=context.attempt > 1).state
