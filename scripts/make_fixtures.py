#!/usr/bin/env python3
"""Build the default dataset in fixtures/: the communes of Côtes-d'Armor (22) and a
CPTS membership table drawn from its intercommunalities.

  scripts/make_fixtures.py [--cache DIR]

The communes come from the package registries through scripts/fetch_communes.py.
The CPTS are invented for the demonstration (they are not the real CPTS of the
département): each groups the member communes of one EPCI, Leff Armor, Lamballe
Terre et Mer and the EPCIs not listed below are left as white zones, and Saint-Gildas (22291) is claimed by two CPTS to
show an overlap. fixtures/cpts-22.geojson, the same idea as a hand-drawn polygon
layer, is edited by hand and not written here.
"""
import argparse, csv, json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")

# (id, name, status, EPCI SIREN)
CPTS = [
    ("CPTS-22-01", "CPTS de la Baie de Saint-Brieuc", "signataire_aci", "200069409"),
    ("CPTS-22-02", "CPTS du Trégor", "signataire_aci", "200065928"),
    ("CPTS-22-03", "CPTS du Pays de Guingamp-Paimpol", "projet", "200067981"),
    ("CPTS-22-04", "CPTS Rance-Émeraude", "pre_projet", "200068989"),
    ("CPTS-22-05", "CPTS du Centre Bretagne", "projet", "200067460"),
    ("CPTS-22-06", "CPTS du Kreiz-Breizh", "pre_projet", "242200715"),
]
EXTRA = [("CPTS-22-03", "22291")]  # Saint-Gildas, of Saint-Brieuc's EPCI, also claimed by Guingamp


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "cpts-coverage"))
    a = p.parse_args()
    tmp = os.path.join(a.cache, "22")
    subprocess.run([sys.executable, os.path.join(HERE, "fetch_communes.py"), "--out-dir", tmp,
                    "--departement", "22", "--cache", a.cache], check=True)
    os.replace(os.path.join(tmp, "communes.geojson"), os.path.join(FIXTURES, "communes-22.geojson"))
    with open(os.path.join(FIXTURES, "communes-22.geojson"), encoding="utf-8") as f:
        communes = [x["properties"] for x in json.load(f)["features"]]
    names = {c[0]: c for c in CPTS}
    rows = [(cid, nom, statut, c["code"]) for cid, nom, statut, epci in CPTS for c in communes if c["epci"] == epci]
    rows += [(cid, names[cid][1], names[cid][2], code) for cid, code in EXTRA]
    rows.sort()
    with open(os.path.join(FIXTURES, "cpts-22.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["cpts_id", "cpts_nom", "statut", "code_insee"])
        w.writerows(rows)
    print(f"fixtures: {len(communes)} communes, {len(rows)} membership rows", file=sys.stderr)


if __name__ == "__main__":
    main()
