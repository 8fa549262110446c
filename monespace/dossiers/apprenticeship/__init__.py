"""The apprenticeship contract's rules (CERFA FA13, n° 10103): its minimum pay
(``pay``), the law's checks (``rules``), the writes particular to it — pre-entry by a CFA,
validation by the company, rupture, avenant (``services``) — and its CERFA as a PDF (``cerfa``).
The dispositif itself is declared in ``dossiers/kinds/apprenticeship.py``."""
