"""Write a « Référentiel des NPEC » in France compétences' shape:

python scripts/make_npec_sample.py var/npec-sample.xlsx
python scripts/make_npec_sample.py var/npec-full.xlsx --certifications 5000 --branches 80
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monespace.referentials import npec_sample

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("path")
parser.add_argument("--certifications", type=int, default=0)
parser.add_argument("--branches", type=int, default=0)
args = parser.parse_args()
rows = npec_sample.write(args.path, certifications=args.certifications, branches=args.branches)
print(f"{args.path} : {rows} lignes dans « Onglet 3 - référentiel NPEC »")
