from django.utils.translation import gettext as _

from monespace.organizations.importers import import_known_contacts
from monespace.organizations.services import known_contacts_apply_to_existing_accounts

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = _(
        "Importe les contacts connus de l'OPCO et leurs habilitations par établissement "
        "(fichier CSV séparé par des points-virgules). Une personne qui crée son compte avec "
        "l'une de ces adresses est rattachée à l'établissement avec ces habilitations."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FICHIER", help=_("Fichier CSV des contacts connus."))
        self.add_batch_size_argument(parser)
        parser.add_argument(
            "--apply-to-existing-accounts",
            action="store_true",
            help=_(
                "Applique aussi les habilitations aux comptes déjà activés (reprise de l'ancien portail : "
                "droits et administrateurs validés avec les conseillers)."
            ),
        )

    def handle(self, *args, path, batch_size, apply_to_existing_accounts=False, **options):
        self.run_import(_("Contacts connus"), import_known_contacts, path, batch_size)
        if apply_to_existing_accounts:
            count = known_contacts_apply_to_existing_accounts()
            self.stdout.write(_("%(count)s comptes existants mis à jour.") % {"count": count})
