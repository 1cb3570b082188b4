#!/usr/bin/env python3
"""Write data/territories.csv, the names of the départements and regions the reports
print beside their codes, from npm `@etalab/decoupage-administratif` 6.0.0 (INSEE's
Code officiel géographique, Licence Ouverte).

  scripts/make_territories.py [--cache DIR]
"""
import argparse, csv, json, os, sys, tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fetch_communes import fetch  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--cache", default=os.path.expanduser("~/.cache/cpts-coverage"))
args = parser.parse_args()
_, tgz = fetch(args.cache)
with tarfile.open(tgz) as tar:
    def load(name):
        return json.load(tar.extractfile(f"package/data/{name}.json"))
    rows = [("region", r["code"], r["nom"]) for r in load("regions")]
    rows += [("departement", d["code"], d["nom"]) for d in load("departements")]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "territories.csv")
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, delimiter=";", lineterminator="\n")
    w.writerow(["kind", "code", "nom"])
    w.writerows(sorted(rows))
print(f"{len(rows)} territories written to data/territories.csv")
