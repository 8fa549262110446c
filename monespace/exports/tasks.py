"""Background work of the exports."""

from django.tasks import task


@task()
def run_export(job_id: int) -> int:
    from .services import export_run

    return export_run(job_id).rows_done


@task()
def purge_exports() -> int:
    """Daily: delete the files of expired exports."""
    from .services import exports_purge

    return exports_purge()
