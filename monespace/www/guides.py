"""« Aide & contact »: the practical guides and the frequently asked questions, as data.

Seed 002: « des guides pratiques pour saisir pas à pas vos demandes de financement … et réaliser
des actions spécifiques (factures, virements, dossiers et brouillon) … disponibles directement
dans Mon Espace … dans la rubrique Aide & Contact », and its FAQ (adapted to this portal's
labels). Every text is French inside gettext, one sentence or paragraph per message and no
HTML: a step names the portal's real menus, buttons and labels between « », and its links are
the portal's pages by URL name (rendered with {% url %}, no argument), so that a renamed page
breaks a test instead of leaving a dead link. The help search (help_search.py) reads the same
texts. Screenshots are deliberately absent: the steps carry the labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Text = str | Promise


@dataclass(frozen=True)
class Link:
    """A page of the portal that takes no argument, with an optional query (« ?group=… »)."""

    url_name: str
    label: Text
    query: str = ""


@dataclass(frozen=True)
class Step:
    text: Text
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Section:
    """A part of a guide: a heading (anchor ``slug``), an optional intro, numbered steps and an
    optional note."""

    slug: str
    title: Text
    steps: tuple[Step, ...]
    intro: Text = ""
    note: Text = ""


@dataclass(frozen=True)
class Guide:
    slug: str
    title: Text
    summary: Text
    sections: tuple[Section, ...]

    def texts(self) -> list[Text]:
        """What the search reads, title first (links' labels excluded: they repeat the steps)."""
        texts: list[Text] = [self.title, self.summary]
        for section in self.sections:
            texts += [section.title, section.intro, *(s.text for s in section.steps), section.note]
        return [t for t in texts if t]


@dataclass(frozen=True)
class Block:
    """A paragraph (``text``) or a bulleted list (``items``) of an answer."""

    text: Text = ""
    items: tuple[Text, ...] = ()


def p(text: Text) -> Block:
    return Block(text=text)


def ul(*items: Text) -> Block:
    return Block(items=items)


@dataclass(frozen=True)
class Question:
    slug: str
    question: Text
    answer: tuple[Block, ...]
    links: tuple[Link, ...] = ()

    def texts(self) -> list[Text]:
        texts: list[Text] = [self.question]
        for block in self.answer:
            texts += [block.text, *block.items] if block.text else list(block.items)
        return [t for t in texts if t]


@dataclass(frozen=True)
class Theme:
    slug: str
    title: Text
    questions: tuple[Question, ...]


# --- Links used by several guides ------------------------------------------------------------

MY_DOSSIERS = Link("www:dossiers", _("Ouvrir « Mes dossiers »"))
MY_DRAFTS = Link("www:dossiers", _("Voir mes brouillons"), "?group=brouillons")
MY_INVOICES = Link("www:invoices", _("Ouvrir « Mes factures »"))
MY_ATTACHMENTS = Link("www:attachments", _("Ouvrir « Mes rattachements »"))
ACTIVATION_CODE = Link("www:activation_code", _("Saisir un code d'activation"))
ADMINISTRATION = Link("www:administration", _("Ouvrir « Administration »"))
DELEGATIONS = Link("www:delegations", _("Ouvrir « Organismes rattachés »"))
PAYMENTS = Link("www:payments", _("Ouvrir « Règlements »"))
BANK_DETAILS = Link("www:bank_details", _("Ouvrir « Coordonnées bancaires et historique »"))
PROFILE = Link("www:profile", _("Ouvrir « Mon profil »"))


# --- The guides ------------------------------------------------------------------------------

FIRST_LOGIN = Guide(
    slug="premiere-connexion",
    title=_("Première connexion"),
    summary=_(
        "Créer votre compte, l'activer depuis l'e-mail reçu, choisir votre mot de passe, protéger "
        "votre compte par une double authentification et vous rattacher à vos entreprises."
    ),
    sections=(
        Section(
            slug="creer-mon-compte",
            title=_("Créer mon compte"),
            intro=_(
                "Cette étape est à réaliser même si vous aviez déjà un compte sur l'ancien espace "
                "client."
            ),
            steps=(
                Step(
                    _(
                        "Sur la page de connexion, rubrique « Je crée mon compte pour accéder à mon "
                        "espace personnalisé », cliquez sur « Créer mon compte »."
                    ),
                    (Link("www:signup", _("Ouvrir le formulaire d'inscription")),),
                ),
                Step(
                    _(
                        "Étape « Identifiez-vous » : renseignez votre civilité, votre nom, votre "
                        "prénom et votre adresse e-mail professionnelle (elle sera votre "
                        "identifiant), puis cliquez sur « Suivant »."
                    )
                ),
                Step(
                    _(
                        "Si l'OPCO vous connaît déjà comme contact avec cette adresse e-mail, vous "
                        "arrivez directement sur la page « Merci pour votre inscription » : cliquez "
                        "sur « Terminer ». Vous serez rattaché(e) à tous les établissements dont "
                        "vous étiez le contact. Il vous reste à activer votre compte (voir plus "
                        "bas)."
                    )
                ),
            ),
        ),
        Section(
            slug="nouveau-compte",
            title=_("Si vous n'aviez pas de compte"),
            steps=(
                Step(
                    _(
                        "Étape « Thématiques » : cochez les thématiques sur lesquelles vous "
                        "souhaitez recevoir de l'information par e-mail, puis cliquez sur "
                        "« Suivant »."
                    )
                ),
                Step(
                    _(
                        "Étape « Mon établissement » : choisissez le « Type » (« Adhérent » ou "
                        "« Organisme de formation ») et indiquez le « SIRET / SIREN » de "
                        "l'établissement auquel vous voulez vous rattacher, puis cliquez sur "
                        "« Suivant »."
                    )
                ),
                Step(
                    _(
                        "Étape « Numéro adhérent / IDCC » : si l'établissement est reconnu, "
                        "renseignez son « Numéro adhérent / organisme de formation » (il figure sur "
                        "les courriers et les factures de l'OPCO). S'il n'est pas encore connu de "
                        "l'OPCO mais actif au répertoire de l'INSEE, indiquez l'IDCC de sa "
                        "convention collective. Cliquez sur « Suivant »."
                    )
                ),
                Step(
                    _(
                        "Étape « Confirmation » : la page « Merci pour votre inscription » "
                        "s'affiche ; cliquez sur « Terminer »."
                    )
                ),
            ),
            note=_(
                "Vous n'avez pas votre numéro adhérent ? Demandez à être rappelé depuis la page "
                "« Aide & contact »."
            ),
        ),
        Section(
            slug="activer-mon-compte",
            title=_("Activer mon compte et choisir mon mot de passe"),
            steps=(
                Step(
                    _(
                        "Ouvrez l'e-mail de bienvenue reçu à votre adresse (pensez à vérifier vos "
                        "courriers indésirables) et cliquez sur le lien qu'il contient."
                    )
                ),
                Step(
                    _(
                        "Sur la page « Changer votre mot de passe », saisissez un « Nouveau mot de "
                        "passe » d'au moins 8 caractères, avec 1 chiffre et 1 lettre, puis "
                        "« Confirmer le nouveau mot de passe »."
                    )
                ),
                Step(
                    _(
                        "Cliquez sur « Changer le mot de passe » : votre compte est activé et vous "
                        "êtes connecté(e)."
                    )
                ),
                Step(
                    _(
                        "Lien expiré (il est valable quelques jours) ? La page qu'il ouvre vous "
                        "propose « Recevoir un nouveau lien »."
                    )
                ),
            ),
        ),
        Section(
            slug="se-connecter",
            title=_("Me connecter"),
            steps=(
                Step(
                    _(
                        "Sur la page de connexion, saisissez « Votre e-mail » et « Votre mot de "
                        "passe », cochez « Rester connecté » si vous êtes sur votre propre "
                        "ordinateur, puis cliquez sur « Se connecter »."
                    ),
                    (Link("account_login", _("Ouvrir la page de connexion")),),
                ),
                Step(
                    _(
                        "Mot de passe oublié ? Cliquez sur « Choisir mon mot de passe / Mot de passe "
                        "oublié ? » : un lien vous est envoyé par e-mail."
                    ),
                    (Link("account_reset_password", _("Choisir un nouveau mot de passe")),),
                ),
            ),
        ),
        Section(
            slug="double-authentification",
            title=_("Protéger mon compte par une double authentification"),
            intro=_(
                "La double authentification est obligatoire pour administrer une entreprise ; elle "
                "est recommandée pour tous."
            ),
            steps=(
                Step(
                    _(
                        "Ouvrez le menu de votre profil (votre nom, en haut à droite), puis « Mon "
                        "profil »."
                    ),
                    (PROFILE,),
                ),
                Step(
                    _("Dans la rubrique « Sécurité », cliquez sur « Double authentification »."),
                    (Link("mfa_index", _("Ouvrir « Double authentification »")),),
                ),
                Step(
                    _(
                        "Sous « Application d'authentification », cliquez sur « Activer », scannez "
                        "le QR code avec l'application d'authentification de votre téléphone, puis "
                        "saisissez le code qu'elle affiche."
                    )
                ),
                Step(
                    _(
                        "Vous pouvez aussi ajouter une clé de sécurité (« Clés de sécurité », "
                        "« Ajouter ») et conserver vos « Codes de récupération » en lieu sûr."
                    )
                ),
            ),
        ),
        Section(
            slug="rattachements",
            title=_("Me rattacher à une autre entreprise"),
            steps=(
                Step(
                    _(
                        "Ouvrez le menu de votre profil, puis « Mes rattachements » : vos "
                        "rattachements s'affichent avec leur statut et vos droits."
                    ),
                    (MY_ATTACHMENTS,),
                ),
                Step(
                    _(
                        "Dans « Ajouter un rattachement », indiquez le « Type », le « SIRET / "
                        "SIREN » et le « Numéro adhérent / organisme de formation », puis cliquez "
                        "sur « Envoyer la demande »."
                    )
                ),
                Step(
                    _(
                        "L'administrateur de l'entreprise accepte votre demande en choisissant vos "
                        "droits, ou la refuse : vous êtes prévenu(e) par e-mail."
                    )
                ),
            ),
        ),
    ),
)

ADMINISTRATORS = Guide(
    slug="administrateurs-codes-activation",
    title=_("Administrateurs et codes d'activation"),
    summary=_(
        "Le rôle de l'administrateur, le courrier et son code d'activation valable 3 mois, les "
        "droits par SIREN ou par SIRET et la validation des demandes de rattachement."
    ),
    sections=(
        Section(
            slug="role",
            title=_("Le rôle de l'administrateur"),
            intro=_(
                "L'administration des accès sur Mon Espace relève de votre entreprise, pour "
                "sécuriser au maximum l'accès à ses données sensibles (coordonnées des salariés, "
                "facturation, RIB). L'administrateur :"
            ),
            steps=(
                Step(
                    _(
                        "attribue à chaque utilisateur de son entreprise des droits par dispositif "
                        "(consulter ou saisir les actions de formation, les contrats "
                        "d'apprentissage, les contrats de professionnalisation et Pro-A), sur toute "
                        "l'entreprise (SIREN) ou sur les établissements choisis (SIRET) ;"
                    )
                ),
                Step(
                    _(
                        "gère les informations financières : droits « Consulter les factures et "
                        "règlements » et « Gérer les coordonnées bancaires », dépôt des RIB ;"
                    )
                ),
                Step(
                    _(
                        "valide ou refuse les demandes de rattachement : il reçoit une notification "
                        "à chaque demande d'accès d'un utilisateur de son entreprise ;"
                    )
                ),
                Step(
                    _(
                        "veille à la sécurité des accès : son compte est protégé par une double "
                        "authentification, que Mon Espace lui demande à sa première action "
                        "d'administration."
                    )
                ),
            ),
        ),
        Section(
            slug="code-activation",
            title=_("Devenir administrateur avec le code d'activation"),
            intro=_(
                "Si votre entreprise n'a pas désigné son administrateur avec son conseiller, "
                "l'OPCO envoie par courrier postal, au siège social de l'entreprise, un code "
                "d'activation unique lié à son SIREN. Il est valable 3 mois et ne sert qu'une fois."
            ),
            steps=(
                Step(
                    _(
                        "Connectez-vous avec le compte de la personne désignée comme administrateur "
                        "(créez-le d'abord si besoin : guide « Première connexion »)."
                    )
                ),
                Step(
                    _(
                        "Ouvrez le menu de votre profil (votre nom, en haut à droite), puis « Mes "
                        "rattachements »."
                    ),
                    (MY_ATTACHMENTS,),
                ),
                Step(_("Cliquez sur « Saisir un code d'activation »."), (ACTIVATION_CODE,)),
                Step(
                    _(
                        "Choisissez le « Profil indiqué en tête du courrier » : « SIREN — "
                        "adhérent » ou « SIREN — prestataire ». Un code ne fonctionne qu'avec son "
                        "profil."
                    )
                ),
                Step(
                    _(
                        "Saisissez le « Code d'activation » tel qu'il figure sur le courrier (par "
                        "exemple ABCD-EFGH-JKMN), puis cliquez sur « Valider le code »."
                    )
                ),
                Step(
                    _(
                        "Le message « Vous êtes maintenant administrateur de … » le confirme, et "
                        "la page d'administration de l'entreprise s'ouvre."
                    )
                ),
            ),
            note=_(
                "Code expiré, perdu ou jamais reçu ? Demandez un nouveau courrier à votre conseiller "
                "ou avec le formulaire « Demandez à être rappelé » de la page « Aide & contact ». "
                "Pour protéger vos données, le code n'est jamais envoyé autrement que par courrier "
                "postal."
            ),
        ),
        Section(
            slug="demandes-de-rattachement",
            title=_("Valider une demande de rattachement"),
            steps=(
                Step(
                    _(
                        "Quand une personne demande l'accès à votre entreprise, vous recevez une "
                        "notification, et la rubrique « À faire » de la page d'accueil affiche les "
                        "demandes de rattachement à traiter."
                    )
                ),
                Step(
                    _(
                        "Ouvrez « Administration » (depuis la rubrique « À faire », ou "
                        "« Utilisateurs » dans « Mon espace », rubrique « Mon entreprise ») et "
                        "choisissez l'entreprise si vous en administrez plusieurs."
                    ),
                    (ADMINISTRATION,),
                ),
                Step(
                    _(
                        "Dans « Demandes de rattachement en attente », cliquez sur « Traiter la "
                        "demande de … »."
                    )
                ),
                Step(
                    _(
                        "Choisissez le « Périmètre » : « Toute l'entreprise (SIREN) » ou « Les "
                        "établissements choisis (SIRET) », en cochant alors les établissements."
                    )
                ),
                Step(
                    _(
                        "Cochez les « Droits par dispositif » et les « Droits financiers et "
                        "administration », puis cliquez sur « Accepter la demande »."
                    )
                ),
                Step(
                    _(
                        "Pour refuser, indiquez le « Motif du refus » et cliquez sur « Refuser la "
                        "demande » : la personne est prévenue par e-mail."
                    )
                ),
            ),
        ),
        Section(
            slug="droits",
            title=_("Modifier les droits, nommer d'autres administrateurs"),
            steps=(
                Step(
                    _(
                        "Dans « Administration », la liste « Utilisateurs rattachés » montre le "
                        "périmètre et les droits de chacun : cliquez sur « Modifier les droits "
                        "de … »."
                    ),
                    (ADMINISTRATION,),
                ),
                Step(
                    _(
                        "Changez le périmètre ou les droits, puis cliquez sur « Enregistrer les "
                        "droits » : ils s'appliquent immédiatement."
                    )
                ),
                Step(
                    _(
                        "Pour nommer un autre administrateur, cochez « Administrateur ». Nommez-en "
                        "au moins deux, pour les congés et les absences."
                    )
                ),
                Step(
                    _(
                        "Pour donner accès à une personne qui n'a pas encore de compte, remplissez "
                        "« Inviter une personne » et cliquez sur « Envoyer l'invitation »."
                    )
                ),
                Step(
                    _(
                        "Pour retirer l'accès d'une personne, ouvrez ses droits et cliquez sur "
                        "« Retirer le rattachement »."
                    )
                ),
                Step(
                    _(
                        "Les organismes de formation, CFA et cabinets comptables qui agissent pour "
                        "votre entreprise se gèrent dans « Organismes rattachés » : « Voir le "
                        "périmètre », puis « Accepter le rattachement », « Refuser la demande » ou "
                        "« Mettre fin au rattachement »."
                    ),
                    (DELEGATIONS,),
                ),
            ),
        ),
    ),
)

DOSSIERS = Guide(
    slug="dossiers-brouillons",
    title=_("Dossiers et brouillons"),
    summary=_(
        "Saisir une demande d'action de formation étape par étape, la reprendre en brouillon, "
        "inscrire jusqu'à 30 salariés et dupliquer au-delà, la transmettre, joindre les pièces "
        "demandées et demander une modification après la transmission."
    ),
    sections=(
        Section(
            slug="nouvelle-demande",
            title=_("Créer une nouvelle demande"),
            steps=(
                Step(_("Dans le menu principal, cliquez sur « Mes dossiers »."), (MY_DOSSIERS,)),
                Step(
                    _(
                        "Cliquez sur « Nouvelle demande — Action de formation ». Ce bouton "
                        "n'apparaît qu'avec le droit de saisir les actions de formation, donné par "
                        "l'administrateur de votre entreprise."
                    )
                ),
                Step(
                    _(
                        "Choisissez l'« Établissement » concerné, puis cliquez sur « Commencer la "
                        "saisie » : le brouillon est créé."
                    )
                ),
            ),
        ),
        Section(
            slug="etapes",
            title=_("Renseigner les étapes"),
            intro=_(
                "La demande compte quatre étapes : « 1 - Formation », « 2 - Modules "
                "complémentaires », « 3 - Salariés » et « 4 - Envoi ». Renseignez-les dans l'ordre "
                "qui vous convient : chacune est enregistrée, seule la transmission demande un "
                "dossier complet."
            ),
            steps=(
                Step(
                    _(
                        "« 1 - Formation » : dans « Rechercher un organisme de formation (nom ou "
                        "SIRET) », trouvez l'organisme et cliquez sur « Choisir » (s'il est "
                        "introuvable, saisissez ses coordonnées), puis décrivez l'action de "
                        "formation et les « Coûts demandés (HT, en euros) ». L'« Estimation de la "
                        "prise en charge » se met à jour pendant la saisie."
                    )
                ),
                Step(
                    _(
                        "« 2 - Modules complémentaires » (facultatif) : « Ajouter un module », puis "
                        "« Ajouter le module »."
                    )
                ),
                Step(
                    _(
                        "« 3 - Salariés » : cochez des salariés dans « Choisir dans le registre des "
                        "salariés » puis « Inscrire les salariés cochés », ou remplissez « Nouveau "
                        "salarié » puis « Créer et inscrire »."
                    )
                ),
                Step(
                    _(
                        "Au bas de chaque étape, « Valider l'étape » enregistre et passe à l'étape "
                        "suivante, « Enregistrer et quitter » garde le dossier en brouillon, et "
                        "« Annuler la saisie » annule votre dernière saisie (le dossier reste en "
                        "l'état)."
                    )
                ),
            ),
        ),
        Section(
            slug="brouillons",
            title=_("Reprendre ou supprimer un brouillon"),
            steps=(
                Step(
                    _("Dans « Mes dossiers », cliquez sur l'onglet « Brouillons »."),
                    (MY_DRAFTS,),
                ),
                Step(
                    _(
                        "Cliquez sur l'intitulé du brouillon (ou « Brouillon sans intitulé ») pour "
                        "reprendre la saisie."
                    )
                ),
                Step(
                    _(
                        "Pour supprimer un brouillon devenu inutile, cliquez sur « Supprimer » dans "
                        "sa ligne, puis sur « Supprimer définitivement »."
                    )
                ),
            ),
            note=_(
                "La rubrique « À faire » de la page d'accueil rappelle vos brouillons à terminer."
            ),
        ),
        Section(
            slug="trente-salaries",
            title=_("Plus de 30 salariés : dupliquer le dossier"),
            intro=_(
                "Un dossier compte au plus 30 salariés. Pour en inscrire davantage, répartissez-les "
                "sur plusieurs dossiers : la duplication reprend l'essentiel des informations."
            ),
            steps=(
                Step(
                    _("Ouvrez le dossier depuis « Mes dossiers » et cliquez sur « Dupliquer »."),
                    (MY_DOSSIERS,),
                ),
                Step(
                    _(
                        "Sur la page « Dupliquer le dossier », cochez les « Salariés à reprendre "
                        "dans le nouveau dossier »."
                    )
                ),
                Step(
                    _(
                        "Cliquez sur « Créer le brouillon » : il reprend l'organisme, l'action, les "
                        "coûts et les modules, sans les documents. Complétez-le, puis "
                        "transmettez-le."
                    )
                ),
            ),
        ),
        Section(
            slug="transmettre",
            title=_("Transmettre la demande"),
            steps=(
                Step(
                    _(
                        "À l'étape « 4 - Envoi », vérifiez le « Récapitulatif » et les éventuels "
                        "« Points d'attention »."
                    )
                ),
                Step(
                    _(
                        "Dans « Pièces à joindre », joignez le « Programme détaillé » et la "
                        "« Convention de formation ou devis signé » : choisissez le « Fichier », le "
                        "« Type de pièce » et un « Titre du document », puis cliquez sur « Joindre "
                        "le fichier »."
                    )
                ),
                Step(
                    _(
                        "Si l'encadré « Pour transmettre le dossier, il manque : » s'affiche, "
                        "suivez ses liens pour compléter les étapes."
                    )
                ),
                Step(
                    _(
                        "Cochez la déclaration « Je certifie l'exactitude des informations de cette "
                        "demande… » et cliquez sur « Transmettre » : le dossier reçoit son numéro et "
                        "passe à l'état « Transmis »."
                    )
                ),
            ),
        ),
        Section(
            slug="pieces-demandees",
            title=_("Fournir les pièces demandées par l'OPCO"),
            steps=(
                Step(
                    _(
                        "Quand l'OPCO demande des pièces, vous recevez une notification et la "
                        "rubrique « À faire » de la page d'accueil affiche « Pièces à fournir pour "
                        "le dossier … avant le … »."
                    )
                ),
                Step(
                    _(
                        "Ouvrez le dossier : l'encadré « L'OPCO demande des pièces » les liste. "
                        "Cliquez sur « Joindre les pièces »."
                    )
                ),
                Step(
                    _(
                        "Dans l'onglet « Documents », rubrique « Joindre des fichiers », choisissez "
                        "le fichier, le type de pièce et un titre, puis cliquez sur « Joindre le "
                        "fichier ». Inutile d'envoyer un e-mail à votre conseiller."
                    )
                ),
                Step(
                    _(
                        "Les courriers de l'OPCO (« Courrier d'accord », « Courrier de refus », "
                        "« Courrier de relance ») se trouvent aussi dans l'onglet « Documents » du "
                        "dossier."
                    )
                ),
            ),
        ),
        Section(
            slug="modifier-apres-transmission",
            title=_("Modifier un dossier après sa transmission"),
            intro=_("Un dossier transmis n'est modifiable que par votre conseiller de l'OPCO."),
            steps=(
                Step(
                    _("Ouvrez le dossier et dépliez « Demander une modification »."),
                    (MY_DOSSIERS,),
                ),
                Step(
                    _(
                        "Décrivez la « Modification souhaitée » et cliquez sur « Envoyer la demande "
                        "à mon conseiller »."
                    )
                ),
                Step(
                    _(
                        "Votre conseiller vous indique la marche à suivre selon la nature de la "
                        "modification ; la demande figure dans l'onglet « Historique » du dossier."
                    )
                ),
            ),
        ),
    ),
)

WORK_STUDY = Guide(
    slug="contrats-alternance",
    title=_("Contrats d'apprentissage et de professionnalisation"),
    summary=_(
        "Saisir un contrat dans l'ordre du CERFA, générer le CERFA à faire signer, joindre la "
        "convention signée des trois parties et les autres pièces, puis transmettre le contrat."
    ),
    sections=(
        Section(
            slug="creer-le-contrat",
            title=_("Créer le contrat"),
            steps=(
                Step(
                    _(
                        "Dans « Mes dossiers », cliquez sur « Créer un contrat d'apprentissage », "
                        "ou sur « Nouvelle demande — Contrat de professionnalisation » (ou Pro-A). "
                        "Ces boutons suivent vos droits de saisie."
                    ),
                    (MY_DOSSIERS,),
                ),
                Step(_("Choisissez l'« Établissement » et cliquez sur « Commencer la saisie ».")),
            ),
        ),
        Section(
            slug="ordre-du-cerfa",
            title=_("Saisir dans l'ordre du CERFA"),
            intro=_(
                "La saisie suit l'ordre des cases du CERFA papier. Les champs marqués d'un "
                "astérisque sont nécessaires pour transmettre le contrat ; le brouillon "
                "s'enregistre sans eux."
            ),
            steps=(
                Step(
                    _(
                        "Contrat d'apprentissage : « Employeur », « Apprenti(e) », « Représentant "
                        "légal » (pour un apprenti mineur non émancipé), « Maître(s) "
                        "d'apprentissage », « Contrat », « Formation » et « Signatures »."
                    )
                ),
                Step(
                    _(
                        "Contrat de professionnalisation : « Employeur », « Salarié(e) », "
                        "« Tuteur », « Contrat », « Formation » et « Signatures » ; pour une Pro-A, "
                        "l'étape « Contrat » devient « Avenant »."
                    )
                ),
                Step(
                    _(
                        "À l'étape « Formation » du contrat d'apprentissage, trouvez le CFA avec "
                        "« Rechercher le CFA dans le répertoire », puis « Choisir » ; "
                        "l'« Estimation de la prise en charge » s'affiche pendant la saisie."
                    )
                ),
                Step(
                    _(
                        "Comme pour une action de formation, « Valider l'étape », « Enregistrer et "
                        "quitter » et « Annuler la saisie » se trouvent au bas de chaque étape."
                    )
                ),
            ),
        ),
        Section(
            slug="cerfa-et-pieces",
            title=_("Le CERFA et les pièces à joindre"),
            intro=_(
                "Pour un contrat d'apprentissage, le dépôt du CERFA signé et de la convention de "
                "formation signée des trois parties (employeur, apprenti(e) et CFA) est "
                "obligatoire : l'étape « Signatures » le rappelle dans « Pièces à joindre »."
            ),
            steps=(
                Step(
                    _(
                        "À l'étape « Signatures », cliquez sur « Générer le CERFA (PDF à imprimer "
                        "et faire signer) », puis faites-le signer."
                    )
                ),
                Step(
                    _(
                        "Joignez le « CERFA signé » et la « Convention de formation signée des "
                        "trois parties » : « Fichier », « Type de pièce », « Titre du document », "
                        "puis « Joindre le fichier »."
                    )
                ),
                Step(
                    _(
                        "Selon le contrat, joignez aussi la « Convention d'aménagement de durée » "
                        "ou l'« Attestation sur l'honneur (projet de création ou de reprise "
                        "d'entreprise) » : la liste « Pièces à joindre » indique celles qui vous "
                        "concernent."
                    )
                ),
                Step(
                    _(
                        "Contrat de professionnalisation : joignez le « CERFA signé » et le "
                        "« Programme détaillé » ; Pro-A : l'« Avenant au contrat de travail signé "
                        "(Pro-A) » et le « Programme détaillé »."
                    )
                ),
            ),
        ),
        Section(
            slug="transmettre-le-contrat",
            title=_("Transmettre le contrat"),
            steps=(
                Step(
                    _(
                        "À l'étape « Signatures », suivez les liens de l'encadré « Pour transmettre "
                        "le contrat, il manque ou il faut corriger : » s'il s'affiche."
                    )
                ),
                Step(
                    _(
                        "Dans « Transmettre le contrat à l'OPCO », cochez la déclaration et "
                        "cliquez sur « Transmettre le contrat »."
                    )
                ),
                Step(
                    _(
                        "L'OPCO se prononce dans les 20 jours qui suivent la réception du dossier "
                        "complet ; la page du contrat affiche ensuite son état et son « N° de "
                        "dépôt »."
                    )
                ),
            ),
        ),
        Section(
            slug="pre-saisie",
            title=_("Contrat pré-saisi par un CFA ou un organisme de formation"),
            steps=(
                Step(
                    _(
                        "Sans mandat de gestion, le CFA pré-saisit le contrat et clique sur "
                        "« Envoyer à l'entreprise pour validation »."
                    )
                ),
                Step(
                    _(
                        "L'entreprise le retrouve dans la rubrique « À faire » de la page d'accueil "
                        "(contrats « À valider par l'employeur ») ; elle vérifie chaque étape puis, "
                        "à l'étape « Signatures », clique sur « Transmettre le contrat », ou sur "
                        "« Renvoyer au CFA »."
                    ),
                    (
                        Link(
                            "www:dossiers",
                            _("Voir les contrats à valider"),
                            "?state=awaiting_employer",
                        ),
                    ),
                ),
                Step(
                    _(
                        "Avec le mandat de gestion, donné par l'administrateur de l'entreprise dans "
                        "« Organismes rattachés », le CFA saisit et transmet le contrat pour le "
                        "compte de l'entreprise."
                    ),
                    (DELEGATIONS,),
                ),
            ),
        ),
        Section(
            slug="apres-la-transmission",
            title=_("Après la transmission"),
            steps=(
                Step(
                    _(
                        "La page du contrat présente les onglets « Contrat », « Prise en charge », "
                        "« Documents », « Factures » et « Historique »."
                    )
                ),
                Step(
                    _(
                        "Pour une rupture, dépliez « Déclarer une rupture du contrat » puis cliquez "
                        "sur « Déclarer la rupture » ; pour un changement, dépliez « Créer un "
                        "avenant » puis cliquez sur « Créer l'avenant »."
                    )
                ),
                Step(
                    _(
                        "Les échéances de la prise en charge versées au CFA se suivent dans "
                        "« Échéanciers des contrats d'apprentissage »."
                    ),
                    (Link("www:schedules", _("Ouvrir « Échéanciers »")),),
                ),
            ),
        ),
    ),
)

INVOICES = Guide(
    slug="factures",
    title=_("Factures"),
    summary=_(
        "Déposer une facture sur un dossier accordé, joindre les pièces de fin de formation, "
        "suivre son contrôle et déposer votre RIB."
    ),
    sections=(
        Section(
            slug="deposer-une-facture",
            title=_("Déposer une facture"),
            intro=_(
                "Une facture se dépose sur un dossier accordé par l'OPCO, une fois la formation "
                "réalisée. L'entreprise facture les salaires et frais annexes (et les coûts "
                "pédagogiques sans subrogation), l'organisme de formation les coûts pédagogiques "
                "quand l'OPCO le paie directement, le CFA les échéances de ses contrats."
            ),
            steps=(
                Step(
                    _(
                        "Dans le menu principal, cliquez sur « Mes factures », puis sur « Déposer "
                        "une facture »."
                    ),
                    (MY_INVOICES,),
                ),
                Step(
                    _(
                        "Saisissez le « Numéro du dossier ou du contrat » et cliquez sur "
                        "« Continuer ». Vous pouvez aussi partir de l'onglet « Factures » du "
                        "dossier, bouton « Déposer une facture »."
                    )
                ),
                Step(
                    _(
                        "Si vous pouvez facturer à plusieurs titres, choisissez « Facturer en tant "
                        "que : … »."
                    )
                ),
                Step(
                    _(
                        "Dans « Votre facture », saisissez le « Numéro de facture » (tel qu'il "
                        "figure sur votre facture) et la « Date de la facture »."
                    )
                ),
                Step(
                    _(
                        "Dans « Montants facturés », saisissez le montant HT et le taux de TVA de "
                        "chaque ligne, sans dépasser ce qui reste à facturer. Pour la "
                        "« Rémunération des stagiaires », indiquez pour chacun le salaire horaire "
                        "chargé et les heures de présence effective."
                    )
                ),
                Step(
                    _(
                        "Joignez les pièces, cochez la certification « Je certifie sincères et "
                        "exactes les informations ci-dessus… » et cliquez sur « Déposer la "
                        "facture »."
                    )
                ),
            ),
        ),
        Section(
            slug="pieces",
            title=_("Les pièces à joindre après la formation"),
            steps=(
                Step(
                    _("« Facture (PDF) » : votre facture à l'attention de l'OPCO, au format PDF.")
                ),
                Step(
                    _(
                        "« Feuilles d'émargement » et « Certificat de réalisation » : les "
                        "justificatifs de la formation réalisée, en PDF ou en image."
                    )
                ),
                Step(
                    _(
                        "« Facture acquittée de l'organisme de formation » : demandée quand "
                        "l'entreprise facture elle-même les coûts pédagogiques (sans subrogation de "
                        "paiement)."
                    )
                ),
            ),
        ),
        Section(
            slug="suivre",
            title=_("Suivre vos factures"),
            intro=_(
                "Les factures sont visibles avec le droit « Consulter les factures et règlements » "
                "donné par l'administrateur de votre entreprise."
            ),
            steps=(
                Step(
                    _(
                        "« Mes factures » classe vos factures par état : « En contrôle », « À "
                        "payer », « Payées » et « Rejetées » ; recherchez-les par « Numéro de "
                        "facture ou de dossier »."
                    ),
                    (MY_INVOICES,),
                ),
                Step(
                    _(
                        "Ouvrez une facture pour voir le montant « Accepté » de chaque ligne et, "
                        "s'il y a lieu, le « Motif de l'écart » ou le « Motif du rejet »."
                    )
                ),
                Step(
                    _(
                        "Pour corriger une facture acceptée ou payée, cliquez sur « Déposer un "
                        "avoir » depuis la facture : l'avoir est déduit de votre prochain virement."
                    )
                ),
                Step(
                    _(
                        "« Exporter la liste (Excel) » prépare un fichier de vos factures, à "
                        "retrouver dans « Mes exports »."
                    )
                ),
            ),
        ),
        Section(
            slug="rib",
            title=_("Déposer votre RIB"),
            intro=_(
                "Le RIB se dépose avec le droit « Gérer les coordonnées bancaires » ou en tant "
                "qu'administrateur."
            ),
            steps=(
                Step(
                    _("Dans « Mes factures », cliquez sur « Déposer un RIB »."),
                    (MY_INVOICES,),
                ),
                Step(
                    _(
                        "Choisissez « Pour » (l'entreprise ou un établissement), saisissez le "
                        "« Titulaire du compte », l'« IBAN » et le « BIC », joignez le « RIB "
                        "(document de la banque) », puis cliquez sur « Déposer le RIB »."
                    )
                ),
                Step(
                    _(
                        "Le nouveau RIB est vérifié par l'OPCO avant d'être utilisé, et les "
                        "administrateurs de l'entreprise sont informés de chaque dépôt. Suivez-le "
                        "dans « Coordonnées bancaires et historique »."
                    ),
                    (BANK_DETAILS,),
                ),
            ),
        ),
    ),
)

PAYMENTS_GUIDE = Guide(
    slug="reglements-virements",
    title=_("Règlements et virements"),
    summary=_(
        "Suivre les virements de l'OPCO, télécharger les avis de virement et suivre la situation "
        "financière de vos dossiers."
    ),
    sections=(
        Section(
            slug="reglements",
            title=_("Consulter vos règlements"),
            intro=_(
                "Les règlements sont visibles avec le droit « Consulter les factures et "
                "règlements » donné par l'administrateur de votre entreprise."
            ),
            steps=(
                Step(
                    _(
                        "Dans « Mes factures », cliquez sur « Règlements » (ou sur « Règlements » "
                        "dans « Mon espace »)."
                    ),
                    (PAYMENTS,),
                ),
                Step(
                    _(
                        "La liste montre chaque virement de l'OPCO : « Date », « Référence », "
                        "« Bénéficiaire », « Compte » et « Montant »."
                    )
                ),
                Step(
                    _(
                        "Ouvrez un virement pour voir ce qu'il règle et cliquez sur « Télécharger "
                        "l'avis de virement (PDF) »."
                    )
                ),
                Step(
                    _(
                        "Une facture payée indique « Payée le » et le lien vers son avis de "
                        "virement ; un avoir est déduit du virement suivant."
                    )
                ),
                Step(
                    _(
                        "« Exporter les règlements (Excel) » prépare un fichier à retrouver dans "
                        "« Mes exports »."
                    )
                ),
            ),
        ),
        Section(
            slug="situation-financiere",
            title=_("Suivre la situation financière"),
            steps=(
                Step(
                    _(
                        "Onglet « Factures » d'un dossier : la « Situation financière du dossier » "
                        "montre, ligne par ligne, l'engagé, le facturé (accepté), le payé et "
                        "l'engagé non facturé."
                    ),
                    (MY_DOSSIERS,),
                ),
                Step(
                    _(
                        "« Synthèse financière » (dans « Mes factures ») : par entreprise et par "
                        "année, l'engagé, le facturé, le payé et le reste de chaque dispositif."
                    )
                ),
                Step(
                    _(
                        "« Échéanciers des contrats d'apprentissage » : les échéances de la prise en "
                        "charge versées au CFA."
                    ),
                    (Link("www:schedules", _("Ouvrir « Échéanciers »")),),
                ),
                Step(
                    _("« Collecte » : les contributions de votre entreprise à l'OPCO, par année.")
                ),
            ),
        ),
        Section(
            slug="avis-par-e-mail",
            title=_("Recevoir les avis par e-mail"),
            steps=(
                Step(
                    _(
                        "Dans « Mon profil », cochez la thématique « Règlement des dossiers (avis de "
                        "virement) », puis cliquez sur « Enregistrer »."
                    ),
                    (PROFILE,),
                ),
                Step(
                    _(
                        "Les virements déjà reçus restent consultables dans « Règlements » : le RIB "
                        "utilisé se vérifie dans « Coordonnées bancaires et historique »."
                    ),
                    (BANK_DETAILS,),
                ),
            ),
        ),
    ),
)

GUIDES: tuple[Guide, ...] = (
    FIRST_LOGIN,
    ADMINISTRATORS,
    DOSSIERS,
    WORK_STUDY,
    INVOICES,
    PAYMENTS_GUIDE,
)
GUIDES_BY_SLUG = {guide.slug: guide for guide in GUIDES}


# --- The frequently asked questions (seed 002, with two of seed 004) -------------------------

FAQ: tuple[Theme, ...] = (
    Theme(
        slug="premiere-connexion",
        title=_("Première connexion"),
        questions=(
            Question(
                slug="evolutions",
                question=_("Quelles sont les principales évolutions de Mon Espace ?"),
                answer=(
                    p(
                        _(
                            "Tenant compte des remontées et des besoins de ses utilisateurs, la "
                            "nouvelle version de Mon Espace, en ligne depuis le 14 février 2025, "
                            "apporte six évolutions :"
                        )
                    ),
                    ul(
                        _(
                            "une nouvelle interface : le menu principal (« Accueil », « Mon "
                            "espace », « Mes dossiers », « Mes factures », « Aide & contact »), "
                            "« Mon espace » qui réunit vos rubriques avec leurs compteurs, et la "
                            "page d'accueil avec les données importantes de vos dossiers ;"
                        ),
                        _(
                            "la désignation d'un ou plusieurs administrateurs dans votre "
                            "entreprise, qui gèrent les droits de ses utilisateurs pour sécuriser "
                            "l'accès à vos données ;"
                        ),
                        _(
                            "des accès rapides personnalisés : dans « Mes dossiers », filtrez la "
                            "liste puis cliquez sur « Ajouter aux accès rapides » ; ils s'affichent "
                            "sur la page d'accueil, à un clic ;"
                        ),
                        _(
                            "une saisie plus facile : les contrats d'alternance suivent l'ordre des "
                            "cases du CERFA, et les étapes d'une demande de formation se "
                            "renseignent dans l'ordre qui vous convient ;"
                        ),
                        _("la liste de vos tâches dès la page d'accueil, dans « À faire » ;"),
                        _(
                            "l'export Excel de vos dossiers, factures et règlements : « Exporter la "
                            "liste (Excel) », puis « Mes exports »."
                        ),
                    ),
                ),
                links=(MY_DOSSIERS,),
            ),
            Question(
                slug="nouveau-compte",
                question=_("Dois-je créer un nouveau compte sur Mon Espace ?"),
                answer=(
                    p(
                        _(
                            "Oui, même si vous aviez un compte sur l'ancien espace : cliquez sur "
                            "« Créer mon compte » depuis la page de connexion, avec l'adresse "
                            "e-mail que vous utilisiez déjà, et choisissez un nouveau mot de passe. "
                            "Le guide « Première connexion » vous accompagne pas à pas."
                        )
                    ),
                    p(
                        _(
                            "Si l'OPCO vous connaît comme contact, vous êtes rattaché(e) "
                            "automatiquement à vos établissements. L'historique de vos dossiers, "
                            "factures et règlements est accessible dès que l'administrateur de "
                            "votre entreprise vous a donné les droits."
                        )
                    ),
                ),
                links=(Link("www:signup", _("Créer mon compte")),),
            ),
            Question(
                slug="historique",
                question=_(
                    "Vais-je retrouver l'historique de mes dossiers traités et en cours dans la "
                    "nouvelle version de Mon Espace ?"
                ),
                answer=(
                    p(
                        _(
                            "Oui, selon les droits d'accès donnés par l'administrateur de votre "
                            "entreprise. Deux cas sont possibles :"
                        )
                    ),
                    ul(
                        _(
                            "votre entreprise a été contactée par un conseiller de l'OPCO avant "
                            "l'ouverture de la nouvelle version : vous et les utilisateurs dont les "
                            "droits ont été repris retrouvez automatiquement les données "
                            "auxquelles vous aviez accès (hors brouillons) ;"
                        ),
                        _(
                            "votre entreprise a reçu un courrier avec un code d'activation : "
                            "l'administrateur désigné saisit ce code dans « Mes rattachements », "
                            "« Saisir un code d'activation », puis donne leurs droits aux "
                            "utilisateurs, qui retrouvent alors l'historique de leurs dossiers "
                            "(hors brouillons)."
                        ),
                    ),
                ),
            ),
            Question(
                slug="e-mail-de-bienvenue",
                question=_("Je n'ai pas reçu l'e-mail de bienvenue"),
                answer=(
                    p(
                        _(
                            "Vérifiez vos courriers indésirables (SPAM). Le lien est valable "
                            "quelques jours ; une fois expiré, la page qu'il ouvre vous propose "
                            "« Recevoir un nouveau lien »."
                        )
                    ),
                ),
            ),
            Question(
                slug="numero-adherent",
                question=_("Je ne connais pas mon numéro adhérent"),
                answer=(
                    p(
                        _(
                            "Il figure sur les courriers et les factures de l'OPCO, par exemple "
                            "12927.001. À défaut, appelez-nous : nous vous le communiquerons après "
                            "vérification."
                        )
                    ),
                ),
            ),
        ),
    ),
    Theme(
        slug="codes-activation",
        title=_("Codes d'activation et sécurité"),
        questions=(
            Question(
                slug="code-activation",
                question=_("Qu'est-ce qu'un code d'activation et pourquoi en ai-je besoin ?"),
                answer=(
                    p(
                        _(
                            "Un code d'activation est un code unique lié au SIREN de votre "
                            "entreprise, à conserver pendant 3 mois. Il permet d'identifier "
                            "l'administrateur de votre entreprise, qui valide ensuite les demandes "
                            "de rattachement."
                        )
                    ),
                    p(
                        _(
                            "L'identification d'un administrateur est une étape importante : les "
                            "administrateurs gèrent les habilitations des utilisateurs pour la "
                            "modification, la suppression ou la consultation des dossiers, des "
                            "factures et des rattachements."
                        )
                    ),
                ),
                links=(ACTIVATION_CODE,),
            ),
            Question(
                slug="code-ne-fonctionne-pas",
                question=_("Mon code d'activation ne fonctionne pas. Comment faire ?"),
                answer=(
                    p(
                        _(
                            "Mon Espace connaît deux profils : adhérent et prestataire. Le courrier "
                            "indique en en-tête « SIREN — adhérent » ou « SIREN — prestataire » : "
                            "choisissez le même « Profil indiqué en tête du courrier » en saisissant "
                            "le code. Un code ne sert qu'une fois, et un code renouvelé remplace "
                            "l'ancien."
                        )
                    ),
                    p(
                        _(
                            "Si le code ne fonctionne toujours pas, adressez-vous à votre conseiller "
                            "ou à votre AEF (assistant emploi formation), ou demandez à être rappelé "
                            "avec le formulaire de la page « Aide & contact »."
                        )
                    ),
                ),
                links=(ACTIVATION_CODE,),
            ),
            Question(
                slug="envoi-des-codes",
                question=_("Quand les codes ont-ils été envoyés ?"),
                answer=(
                    p(
                        _(
                            "Les codes d'activation ont été envoyés le 4 février 2025 aux adhérents "
                            "existants avant cette date, par courrier postal, à l'adresse du siège "
                            "social de l'entreprise inscrite dans la base officielle de l'INSEE. "
                            "Depuis, votre conseiller peut en émettre un nouveau."
                        )
                    ),
                ),
            ),
            Question(
                slug="code-pas-recu",
                question=_("Comment faire si je n'ai pas reçu mon code d'activation ?"),
                answer=(
                    p(_("Vous avez plusieurs options :")),
                    ul(
                        _(
                            "demander à votre conseiller habituel ou à votre AEF (assistant emploi "
                            "formation) de renvoyer le courrier avec le code d'activation associé "
                            "au SIREN de votre entreprise ;"
                        ),
                        _(
                            "demander à être recontacté avec le formulaire « Demandez à être "
                            "rappelé » de la page « Aide & contact »."
                        ),
                    ),
                ),
            ),
            Question(
                slug="code-autre-moyen",
                question=_(
                    "Je souhaite recevoir mon code d'activation autrement que par courrier postal. "
                    "Est-ce possible ?"
                ),
                answer=(
                    p(
                        _(
                            "Non : pour garantir la protection de vos données, les codes "
                            "d'activation ne sont communiqués que par courrier postal."
                        )
                    ),
                ),
            ),
            Question(
                slug="nombreuses-entites",
                question=_(
                    "J'ai de nombreuses entités dans toute la France : puis-je recevoir une "
                    "synthèse des codes au siège ?"
                ),
                answer=(
                    p(
                        _(
                            "Un code d'activation unique est généré par SIREN et figure dans un "
                            "courrier nominatif envoyé à l'adresse du siège social de l'entreprise "
                            ": il y a donc autant de courriers que d'entités (SIREN) à rattacher. "
                            "Un code vaut pour tous les établissements (SIRET) de son entreprise."
                        )
                    ),
                ),
            ),
            Question(
                slug="organismes-rattaches",
                question=_(
                    "Les organismes anciennement rattachés sont-ils automatiquement rattachés dans "
                    "la nouvelle version de Mon Espace ?"
                ),
                answer=(
                    p(
                        _(
                            "Les organismes gèrent leurs propres demandes avec le code d'activation "
                            "unique lié à leur SIREN, puis demandent leur rattachement à votre "
                            "entreprise. Chaque entreprise choisit librement, dans « Organismes "
                            "rattachés », les rattachements à valider ; son administrateur peut "
                            "aussi y mettre fin à tout moment."
                        )
                    ),
                ),
                links=(DELEGATIONS,),
            ),
            Question(
                slug="code-expire",
                question=_("Mon code n'est plus valide. Comment faire ?"),
                answer=(
                    p(
                        _(
                            "Un code est valable 3 mois après son envoi. Au-delà, faites une "
                            "nouvelle demande auprès de votre conseiller ou de votre AEF (assistant "
                            "emploi formation), ou avec le formulaire « Demandez à être rappelé » "
                            "de la page « Aide & contact »."
                        )
                    ),
                ),
            ),
        ),
    ),
    Theme(
        slug="administrateurs",
        title=_("Administrateurs et rôles"),
        questions=(
            Question(
                slug="role-administrateur",
                question=_(
                    "Quel est le rôle de l'administrateur que je dois nommer au sein de mon "
                    "entreprise ?"
                ),
                answer=(
                    p(
                        _(
                            "L'administration des accès et des habilitations sur Mon Espace relève "
                            "de votre responsabilité, afin de sécuriser au maximum l'accès aux "
                            "données sensibles de votre entreprise (coordonnées des salariés, "
                            "données de facturation…). L'administrateur :"
                        )
                    ),
                    ul(
                        _(
                            "attribue aux utilisateurs de son entreprise des accès différenciés, "
                            "au niveau du SIREN ou du SIRET, pour la saisie et la consultation de "
                            "chaque dispositif de financement ;"
                        ),
                        _(
                            "gère les informations financières des entreprises qu'il administre, "
                            "comme la facturation et les coordonnées bancaires (RIB) ;"
                        ),
                        _(
                            "veille à la sécurité des accès en protégeant les identifiants et les "
                            "données sensibles."
                        ),
                    ),
                    p(
                        _(
                            "Chaque fois qu'un utilisateur de votre entreprise demande un accès, "
                            "l'administrateur reçoit une notification pour valider ou non la "
                            "demande."
                        )
                    ),
                ),
                links=(ADMINISTRATION,),
            ),
            Question(
                slug="designer-administrateur",
                question=_("Comment faire connaître à l'OPCO l'administrateur de mon entreprise ?"),
                answer=(
                    ul(
                        _(
                            "En direct avec votre conseiller : si votre entreprise dépose chaque "
                            "année de nombreux dossiers, votre conseiller a validé avec vous le ou "
                            "les administrateurs et les droits d'accès de vos utilisateurs. Leur "
                            "statut d'administrateur est actif dès leur première connexion, et vos "
                            "utilisateurs retrouvent tout leur historique (hors brouillons)."
                        ),
                        _(
                            "Par le courrier envoyé au siège de votre entreprise (SIREN) : il "
                            "contient un code que l'administrateur désigné saisit lors de sa "
                            "première connexion, dans « Mes rattachements », « Saisir un code "
                            "d'activation ». Il accorde ensuite les droits des utilisateurs de "
                            "l'entreprise, qui retrouvent alors leur historique (hors brouillons)."
                        ),
                    ),
                ),
                links=(ACTIVATION_CODE,),
            ),
            Question(
                slug="plusieurs-administrateurs",
                question=_("Puis-je nommer plusieurs administrateurs au sein de mon entreprise ?"),
                answer=(
                    p(
                        _(
                            "Oui, et nous vous le recommandons, notamment dans les grands groupes "
                            "au vu du nombre d'utilisateurs à gérer. Dans une TPE ou une PME où "
                            "plusieurs collaborateurs utilisent le portail, nommez au minimum 2 "
                            "administrateurs, pour les congés et les absences."
                        )
                    ),
                    p(
                        _(
                            "Dans « Administration », cliquez sur « Modifier les droits de … », "
                            "cochez « Administrateur » puis « Enregistrer les droits »."
                        )
                    ),
                ),
                links=(ADMINISTRATION,),
            ),
        ),
    ),
    Theme(
        slug="utilisation",
        title=_("Utilisation de Mon Espace"),
        questions=(
            Question(
                slug="entreprises-ou-organismes",
                question=_(
                    "Mon Espace concerne-t-il les entreprises ou les organismes de formation ?"
                ),
                answer=(
                    p(
                        _(
                            "Les deux : Mon Espace concerne à la fois les entreprises et les "
                            "organismes de formation. Dans « Mes dossiers », le filtre « Profil » "
                            "distingue vos dossiers en tant qu'« Entreprise » et en tant "
                            "qu'« Organisme de formation »."
                        )
                    ),
                ),
                links=(MY_DOSSIERS,),
            ),
            Question(
                slug="cles-api",
                question=_(
                    "Les clés API mises en place sur l'ancien portail sont-elles encore valables ?"
                ),
                answer=(
                    p(
                        _(
                            "Oui, les clés API ne changent pas : aucune manipulation supplémentaire "
                            "n'est à effectuer. L'administrateur les retrouve dans "
                            "« Administration », lien « Clés API »."
                        )
                    ),
                ),
            ),
            Question(
                slug="trente-salaries",
                question=_(
                    "Le nombre de salariés à inscrire dans un dossier est-il limité ? Comment faire "
                    "si on en a davantage ?"
                ),
                answer=(
                    p(
                        _(
                            "Oui : un dossier compte au plus 30 salariés. Pour en inscrire "
                            "davantage, scindez-les en plusieurs dossiers. Sur la page du dossier, "
                            "« Dupliquer » récupère une bonne partie des informations : vous "
                            "repartez d'une base préremplie (voir le guide « Dossiers et "
                            "brouillons »)."
                        )
                    ),
                ),
            ),
            Question(
                slug="cabinet-comptable",
                question=_("J'ai un cabinet comptable, comment ça se passe ?"),
                answer=(
                    p(
                        _(
                            "Le cabinet demande son rattachement à votre entreprise. Votre "
                            "administrateur l'accepte dans « Organismes rattachés » en définissant "
                            "son périmètre d'action (par exemple « consulter les factures et "
                            "règlements »), ou la refuse."
                        )
                    ),
                ),
                links=(DELEGATIONS,),
            ),
            Question(
                slug="rib-repris",
                question=_(
                    "Les RIB de nos sociétés sont-ils repris ou faut-il les déposer à nouveau ?"
                ),
                answer=(
                    p(
                        _(
                            "Les RIB déposés sur l'ancien portail sont repris : ils figurent dans "
                            "« Mes factures », « Coordonnées bancaires et historique ». Un nouveau "
                            "RIB se dépose avec « Déposer un RIB »."
                        )
                    ),
                ),
                links=(BANK_DETAILS,),
            ),
            Question(
                slug="dossiers-invisibles",
                question=_("Je ne vois pas ou plus mes dossiers. Comment faire ?"),
                answer=(
                    p(
                        _(
                            "Vérifiez que l'entreprise est rattachée à votre compte : menu de votre "
                            "profil (en haut à droite), « Mes rattachements »."
                        )
                    ),
                    ul(
                        _(
                            "Si l'entreprise est rattachée, actualisez les données avec "
                            "« Rafraîchir »."
                        ),
                        _(
                            "Sinon, dans « Ajouter un rattachement », indiquez l'entreprise (SIREN) "
                            "ou l'établissement (SIRET) et son numéro adhérent, puis cliquez sur "
                            "« Envoyer la demande »."
                        ),
                        _(
                            "Vos droits sont donnés par l'administrateur de l'entreprise : « Mon "
                            "profil », rubrique « Mes droits », les récapitule."
                        ),
                    ),
                ),
                links=(MY_ATTACHMENTS,),
            ),
        ),
    ),
    Theme(
        slug="dossiers",
        title=_("Dossiers : reprise et modification"),
        questions=(
            Question(
                slug="dossiers-repris",
                question=_(
                    "Est-ce que les dossiers en cours sont repris ? Et les dossiers clôturés ?"
                ),
                answer=(
                    p(
                        _(
                            "Les dossiers transmis, en cours comme clôturés, ont été repris dans la "
                            "nouvelle version de Mon Espace. Les dossiers laissés à l'état de "
                            "brouillon n'ont pas été repris, pour toutes les entreprises et tous "
                            "les prestataires."
                        )
                    ),
                ),
            ),
            Question(
                slug="anciens-brouillons",
                question=_(
                    "Je n'ai plus accès à mes brouillons : l'ancienne plateforme est-elle "
                    "accessible ?"
                ),
                answer=(
                    p(
                        _(
                            "Non : depuis le vendredi 14 février 2025, Mon Espace est le seul "
                            "espace accessible aux utilisateurs. Saisissez à nouveau la demande "
                            "depuis « Mes dossiers » ; vos nouveaux brouillons sont dans l'onglet "
                            "« Brouillons »."
                        )
                    ),
                ),
                links=(MY_DRAFTS,),
            ),
            Question(
                slug="modifier-apres-transmission",
                question=_("Peut-on modifier un dossier après l'avoir transmis ?"),
                answer=(
                    p(
                        _(
                            "Tout dépend de la nature de la modification. Un dossier transmis n'est "
                            "modifiable que par votre conseiller : sur la page du dossier, dépliez "
                            "« Demander une modification », décrivez-la, puis cliquez sur "
                            "« Envoyer la demande à mon conseiller ». Il vous indiquera la "
                            "meilleure marche à suivre."
                        )
                    ),
                ),
            ),
            Question(
                slug="courriers",
                question=_("Où consulter les courriers d'accord, de refus ou de relance ?"),
                answer=(
                    p(
                        _(
                            "Dans « Mes dossiers », ouvrez le dossier concerné, puis l'onglet "
                            "« Documents » : les courriers de l'OPCO y figurent (« Courrier "
                            "d'accord », « Courrier de refus », « Courrier de relance »)."
                        )
                    ),
                ),
                links=(MY_DOSSIERS,),
            ),
        ),
    ),
    Theme(
        slug="salaries-contrats",
        title=_("Salariés et contrats"),
        questions=(
            Question(
                slug="cerfa",
                question=_("Pour les contrats d'apprentissage, faut-il déposer le CERFA en plus ?"),
                answer=(
                    p(
                        _(
                            "Oui : le dépôt du CERFA signé et de la convention de formation signée "
                            "des trois parties est obligatoire. Mon Espace le précise à l'étape "
                            "« Signatures », dans « Pièces à joindre », où « Générer le CERFA » "
                            "prépare le document à imprimer et faire signer."
                        )
                    ),
                ),
            ),
            Question(
                slug="anciens-salaries",
                question=_(
                    "Je ne retrouve plus les salariés enregistrés sur l'ancien portail. Comment "
                    "faire ?"
                ),
                answer=(
                    p(
                        _(
                            "Les salariés enregistrés sur l'ancienne plateforme sont pour le moment "
                            "indisponibles. Dans Mon Espace, le registre « Salariés » réunit les "
                            "salariés inscrits dans vos dossiers : créés une fois avec « Nouveau "
                            "salarié », ils se choisissent ensuite dans chaque nouvelle demande."
                        )
                    ),
                ),
            ),
        ),
    ),
    Theme(
        slug="besoin-d-aide",
        title=_("Besoin d'aide ?"),
        questions=(
            Question(
                slug="nous-contacter",
                question=_("Besoin d'aide ? Une question ?"),
                answer=(
                    p(_("L'OPCO vous accompagne :")),
                    ul(
                        _(
                            "une ligne d'assistance téléphonique : nos conseillers vous répondent "
                            "au numéro et aux horaires indiqués en haut de la page « Aide & "
                            "contact » et au bas de chaque page ;"
                        ),
                        _(
                            "le formulaire « Demandez à être rappelé » de la page « Aide & contact » ;"
                        ),
                        _(
                            "des webinaires de prise en main, organisés par les conseillers de "
                            "l'OPCO en région pour répondre à toutes vos questions ;"
                        ),
                        _(
                            "des guides pratiques, dans la rubrique « Aide & contact », pour saisir "
                            "pas à pas vos demandes de financement et réaliser des actions "
                            "spécifiques (factures, virements, dossiers et brouillons)."
                        ),
                    ),
                ),
            ),
        ),
    ),
)
QUESTIONS: tuple[Question, ...] = tuple(q for theme in FAQ for q in theme.questions)
