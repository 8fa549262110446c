from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_unread(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Notification = apps.get_model("notifications", "Notification")
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.update(unread_notifications=Coalesce(Subquery(unread), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_staff_profile"),
        ("notifications", "0002_announcements"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="unread_notifications",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_unread, migrations.RunPython.noop),
    ]
