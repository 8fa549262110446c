"""Background work of the API: webhook deliveries."""

from django.tasks import task


@task()
def deliver_webhook(delivery_id: int) -> str:
    from .webhooks import deliver

    return deliver(delivery_id).state


@task()
def deliver_due_webhooks() -> int:
    from .webhooks import deliver_due

    return deliver_due()
