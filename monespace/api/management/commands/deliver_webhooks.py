from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from monespace.api.webhooks import deliver_due


class Command(BaseCommand):
    help = _(
        "Envoie les webhooks dont une nouvelle tentative est due (après un arrêt du worker, ou "
        "avec un gestionnaire de tâches qui ne sait pas différer). À lancer chaque minute."
    )

    def handle(self, *args, **options):
        count = deliver_due()
        self.stdout.write(_("%(n)s envoi(s) tenté(s).") % {"n": count})
