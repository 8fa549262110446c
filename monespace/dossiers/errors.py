"""Why an action on a dossier is refused (one shape: core.errors.DomainError)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monespace.core.errors import DomainError

from .models import MAX_TRAINEES


class DossierError(DomainError):
    """A rule stops the action; the message is for the user."""

    code = "dossier_refused"


class NotADraft(DossierError):
    code = "not_a_draft"
    default_message = gettext_lazy(
        "Ce dossier a été transmis : seul votre conseiller de l'OPCO peut le modifier."
    )


class AwaitingEmployer(NotADraft):
    code = "awaiting_employer"
    default_message = gettext_lazy(
        "Ce contrat attend la validation de l'entreprise : il ne se modifie plus d'ici là."
    )


class PiecesMissing(DossierError):
    """An accorded training closed while pieces expected after it are missing: the OPCO says
    why (abandoned, regularised otherwise…) or waits for them."""

    code = "pieces_missing"

    def __init__(self, missing):
        super().__init__(
            _(
                "Des pièces attendues après la formation manquent : %(pieces)s. Attendez-les, "
                "ou indiquez le motif de la clôture sans elles."
            )
            % {"pieces": ", ".join(str(label) for label in missing)}
        )
        self.missing = list(missing)


class InvalidTransition(DossierError):
    code = "invalid_transition"

    def __init__(self, dossier):
        super().__init__(
            _("Cette action n'est pas possible sur un dossier « %(state)s ».")
            % {"state": dossier.get_state_display()}
        )


class TooManyTrainees(DossierError):
    code = "too_many_trainees"

    def __init__(self):
        super().__init__(
            _(
                "Un dossier compte au plus %(max)d salariés. Pour en inscrire davantage, enregistrez ce dossier "
                "puis dupliquez-le : la duplication reprend la formation et vous permet d'inscrire les autres "
                "salariés dans un second dossier."
            )
            % {"max": MAX_TRAINEES}
        )


class Incomplete(DossierError):
    code = "incomplete"
    default_message = gettext_lazy("Le dossier est incomplet.")
