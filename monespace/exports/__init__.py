"""Excel exports of the lists (seed 002: « exporter l'ensemble de vos dossiers … sur de grands
volumes et avoir pour chaque dossier des détails financiers »), run in the background with a
progress bar, kept for a while, then deleted."""
