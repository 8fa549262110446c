"""Keep the fr catalogue complete and compiled.

    python scripts/check_translations.py           # check (CI): fails on a missing, empty or fuzzy entry
    python scripts/check_translations.py --update  # regenerate, fill, compile (developers)

The portal is French-only and its source strings are written in French, so a new entry is
filled with its own text; an entry a translator changed is kept as it is.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
MAKEMESSAGES = [
    sys.executable,
    "manage.py",
    "makemessages",
    "-l",
    "fr",
    "--no-obsolete",
    "--no-location",
    "--ignore",
    ".venv/*",
    "--ignore",
    "tests/*",
    "--ignore",
    "staticfiles/*",
    "--ignore",
    "var/*",
]


def regenerate():
    subprocess.run(
        MAKEMESSAGES,
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    return polib.pofile(str(PO))


def update():
    catalogue = regenerate()
    # French has 3 plural forms in Django's catalogues (one, many for millions, other).
    plural_count = int(
        catalogue.metadata.get("Plural-Forms", "nplurals=2;").split("nplurals=")[1].split(";")[0]
    )
    for entry in catalogue:
        # A fuzzy entry is gettext's guess from a similar old string: never keep its text.
        guessed = "fuzzy" in entry.flags
        if guessed:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if entry.msgid_plural:
            # Plural forms always follow the French source (gettext fills new forms by guessing).
            for index in range(plural_count):
                entry.msgstr_plural[index] = entry.msgid if index == 0 else entry.msgid_plural
        elif guessed or not entry.msgstr:
            entry.msgstr = entry.msgid
    catalogue.save(str(PO))
    catalogue.save_as_mofile(str(MO))
    print(f"{len(catalogue)} entries, compiled to {MO.relative_to(ROOT)}")


def check():
    committed = polib.pofile(str(PO)) if PO.exists() else None
    backup = Path(tempfile.mkdtemp()) / "django.po"
    if PO.exists():
        shutil.copy(PO, backup)
    try:
        fresh = regenerate()
    finally:
        if backup.exists():
            shutil.copy(backup, PO)
    problems = []
    known = {(e.msgctxt, e.msgid) for e in committed} if committed else set()
    missing = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known]
    problems += [f"missing from the catalogue: {m!r}" for m in missing[:20]]
    if committed:
        problems += [f"fuzzy: {e.msgid!r}" for e in committed.fuzzy_entries()]
        problems += [f"not translated: {e.msgid!r}" for e in committed.untranslated_entries()]
        compiled = Path(tempfile.mkdtemp()) / "django.mo"
        committed.save_as_mofile(str(compiled))
        if not MO.exists() or compiled.read_bytes() != MO.read_bytes():
            problems.append("django.mo is not compiled from django.po")
    if problems:
        print(
            "Translations are not up to date (run: python scripts/check_translations.py --update):"
        )
        print("\n".join(f"  - {p}" for p in problems))
        sys.exit(1)
    print(f"fr catalogue complete: {len(committed)} entries")


if __name__ == "__main__":
    update() if "--update" in sys.argv else check()
