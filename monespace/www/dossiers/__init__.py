"""« Mes dossiers » (seed 003), one module per screen: ``lists`` (the lists and the employee
register), ``steps`` (creation and the entry steps of each dispositif), ``detail`` (the dossier
page, print, duplication, deletion, change request) and ``documents`` (attach, download).

Reads go through ``dossiers.access`` (404 out of reach, 403 without the right); writes through
``dossiers.services``.
"""
