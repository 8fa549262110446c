"""Background work of the exports."""

from django.tasks import TaskContext, task


@task(takes_context=True)
def run_export(context: TaskContext, job_id: int) -> int:
    from .services import export_run

    # A second attempt is this task taken up again after its worker was lost
    # (core/lost_tasks.py): it takes over the job the lost run left « en cours ».
    return export_run(job_id, retake=context.attempt > 1).rows_done


@task()
def purge_exports() -> int:
    """Daily: delete the files of expired exports."""
    from .services import exports_purge

    return exports_purge()
