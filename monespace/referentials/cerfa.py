"""The code lists of the apprenticeship contract's CERFA (FA13, n° 10103), by version of the
form, and the legal pay grid of apprentices — data, loaded by a migration and kept by version
or effective date, never constants in the code (docs/research: domain-alternance.md §1.3,
§2.3).

A contract keeps the CERFA version it was entered under and offers that version's lists. Where
the research marks a list as uncertain for a version (the diploma list of *13/*14), the *12
list is kept for it until the notice is checked: a later migration adds the corrected rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

CURRENT_APPRENTICESHIP_CERFA = "10103*14"
APPRENTICESHIP_CERFA_VERSIONS = ("10103*14",)

_EMPLOYER_TYPES = [
    (
        "11",
        "Entreprise inscrite au répertoire des métiers ou au registre des entreprises (Alsace-Moselle)",
    ),
    ("12", "Entreprise inscrite uniquement au registre du commerce et des sociétés"),
    ("13", "Entreprise dont les salariés relèvent de la mutualité sociale agricole"),
    ("14", "Profession libérale"),
    ("15", "Association"),
    ("16", "Autre employeur privé"),
    ("21", "Service de l'État (administrations centrales et leurs services déconcentrés)"),
    ("22", "Commune"),
    ("23", "Département"),
    ("24", "Région"),
    ("25", "Établissement public hospitalier"),
    ("26", "Établissement public local d'enseignement"),
    ("27", "Établissement public administratif de l'État"),
    ("28", "Établissement public administratif local (y compris EPCI)"),
    ("29", "Autre employeur public"),
    ("30", "Établissement public industriel et commercial"),
]
_SPECIFIC_EMPLOYERS = [
    ("0", "Aucun de ces cas"),
    ("1", "Entreprise de travail temporaire"),
    ("2", "Groupement d'employeurs"),
    ("3", "Employeur saisonnier"),
    ("4", "Apprentissage familial : l'employeur est un ascendant de l'apprenti"),
]
_NATIONALITIES = [
    ("1", "Française"),
    ("2", "Union européenne"),
    ("3", "Étranger hors Union européenne"),
]
_SOCIAL_REGIMES = [("1", "MSA"), ("2", "URSSAF")]
_SITUATIONS = [
    ("1", "Scolaire"),
    ("2", "Prépa apprentissage"),
    ("3", "Étudiant"),
    ("4", "Contrat d'apprentissage"),
    ("5", "Contrat de professionnalisation"),
    ("6", "Contrat aidé"),
    (
        "7",
        "En formation au CFA sous statut de stagiaire de la formation professionnelle, avant "
        "signature d'un contrat d'apprentissage (L6222-12-1 du code du travail)",
    ),
    (
        "8",
        "En formation au CFA sans contrat, sous statut de stagiaire de la formation "
        "professionnelle, suite à la rupture (5° de L6231-2 du code du travail)",
    ),
    ("9", "Autres situations sous statut de stagiaire de la formation professionnelle"),
    ("10", "Salarié"),
    ("11", "Personne à la recherche d'un emploi (inscrite ou non à France Travail)"),
    ("12", "Inactif"),
]
_LAST_CLASSES = [
    ("01", "L'apprenti a suivi la dernière année du cycle de formation et a obtenu le diplôme"),
    ("11", "1re année du cycle validée"),
    ("12", "1re année du cycle non validée"),
    ("21", "2e année du cycle validée"),
    ("22", "2e année du cycle non validée"),
    ("31", "3e année du cycle validée"),
    ("32", "3e année du cycle non validée"),
    ("40", "A achevé le 1er cycle de l'enseignement secondaire (collège)"),
    ("41", "Études interrompues en classe de 3e"),
    ("42", "Études interrompues en classe de 4e"),
]
_DIPLOMAS = [
    ("25", "Diplôme national du brevet"),
    ("26", "Certificat de formation générale"),
    ("13", "Aucun diplôme ni titre professionnel"),
    ("33", "CAP"),
    ("34", "BEP"),
    ("35", "Mention complémentaire"),
    ("38", "Autre diplôme ou titre de niveau CAP/BEP"),
    ("41", "Baccalauréat professionnel"),
    ("42", "Baccalauréat général"),
    ("43", "Baccalauréat technologique"),
    ("49", "Autre diplôme ou titre de niveau bac"),
    ("54", "BTS"),
    ("55", "DUT"),
    ("58", "Autre diplôme ou titre de niveau bac +2"),
    ("61", "1re année de master"),
    ("62", "Licence professionnelle"),
    ("63", "Licence générale"),
    ("64", "BUT"),
    ("69", "Autre diplôme ou titre de niveau bac +3 ou 4"),
    ("71", "Master professionnel / DESS"),
    ("72", "Master recherche / DEA"),
    ("73", "Master indifférencié"),
    ("74", "Diplôme d'ingénieur, diplôme d'école de commerce"),
    ("79", "Autre diplôme ou titre de niveau bac +5 ou plus"),
    ("80", "Doctorat"),
]
_DIPLOMA_LEVELS = [
    ("0", "Aucun diplôme"),
    ("3", "CAP, BEP"),
    ("4", "Baccalauréat"),
    ("5", "DEUG, BTS, DUT, DEUST"),
    ("6", "Licence, licence professionnelle, BUT, maîtrise"),
    ("7", "Master, DEA, DESS, diplôme d'ingénieur"),
    ("8", "Doctorat, habilitation à diriger des recherches"),
]
_CONTRACT_TYPES = [
    ("11", "Premier contrat d'apprentissage de l'apprenti"),
    (
        "21",
        "Nouveau contrat avec un apprenti qui a terminé son précédent contrat auprès d'un même "
        "employeur",
    ),
    (
        "22",
        "Nouveau contrat avec un apprenti qui a terminé son précédent contrat auprès d'un autre "
        "employeur",
    ),
    (
        "23",
        "Nouveau contrat avec un apprenti dont le précédent contrat auprès d'un autre employeur a été rompu",
    ),
    ("31", "Avenant : modification de la situation juridique de l'employeur"),
    ("32", "Avenant : changement d'employeur dans le cadre d'un contrat saisonnier"),
    ("33", "Avenant : prolongation du contrat suite à un échec à l'examen de l'apprenti"),
    (
        "34",
        "Avenant : prolongation du contrat suite à la reconnaissance de l'apprenti comme travailleur handicapé",
    ),
    ("35", "Avenant : modification du diplôme préparé par l'apprenti"),
    (
        "36",
        "Avenant : autres changements (maître d'apprentissage, durée de travail hebdomadaire, "
        "réduction de durée…)",
    ),
    ("37", "Avenant : modification du lieu d'exécution du contrat"),
    ("38", "Avenant : modification du lieu principal de réalisation de la formation théorique"),
]
_DEROGATIONS = [
    ("11", "Âge de l'apprenti inférieur à 16 ans"),
    ("12", "Âge supérieur à 29 ans : cas spécifiques prévus par le code du travail"),
    ("21", "Réduction de la durée du contrat ou de la période d'apprentissage"),
    ("22", "Allongement de la durée du contrat ou de la période d'apprentissage"),
    ("50", "Cumul de dérogations"),
    ("60", "Autre dérogation"),
]
_CONTRACT_MODES = [
    ("1", "À durée limitée"),
    ("2", "Dans le cadre d'un CDI"),
    ("3", "Entreprise de travail temporaire"),
    ("4", "Activités saisonnières à deux employeurs"),
]

LISTS = {
    "employer_type": _EMPLOYER_TYPES,
    "specific_employer": _SPECIFIC_EMPLOYERS,
    "nationality": _NATIONALITIES,
    "social_regime": _SOCIAL_REGIMES,
    "situation": _SITUATIONS,
    "last_class": _LAST_CLASSES,
    "diploma": _DIPLOMAS,
    "diploma_level": _DIPLOMA_LEVELS,
    "contract_type": _CONTRACT_TYPES,
    "derogation": _DEROGATIONS,
    "contract_mode": _CONTRACT_MODES,
}

# Minimum pay of apprentices, % of the SMIC (or of the SMC from 21 when higher), by year of
# contract and age bracket (the lowest age of the bracket), in force since 1 January 2019.
PAY_GRID = [
    (date(2019, 1, 1), year, min_age, Decimal(rate))
    for year, rates in {
        1: ("27", "43", "53", "100"),
        2: ("39", "51", "61", "100"),
        3: ("55", "67", "78", "100"),
        4: ("55", "67", "78", "100"),
    }.items()
    for min_age, rate in zip((0, 18, 21, 26), rates, strict=True)
]


def load(code_model, pay_rate_model, smic_model=None):
    """Create or update the rows (the migration passes its historical models, the browser
    tests the real ones)."""
    for version in APPRENTICESHIP_CERFA_VERSIONS:
        for list_name, codes in LISTS.items():
            for position, (code, label) in enumerate(codes):
                code_model.objects.update_or_create(
                    cerfa=version,
                    list_name=list_name,
                    code=code,
                    defaults={"label": label, "position": position},
                )
    for effective_from, year, min_age, rate in PAY_GRID:
        pay_rate_model.objects.update_or_create(
            effective_from=effective_from,
            contract_year=year,
            min_age=min_age,
            defaults={"rate": rate},
        )
    if smic_model is not None:
        from monespace.dossiers.referentials import SMIC_MONTHLY

        for effective_from, monthly in SMIC_MONTHLY.items():
            smic_model.objects.filter(effective_from=effective_from).update(monthly=monthly)
