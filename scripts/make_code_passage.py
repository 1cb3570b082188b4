#!/usr/bin/env python3
"""Write data/code_passage.csv, the old INSEE codes of merged communes and the code of
the commune that took them in, from npm `@etalab/decoupage-administratif` (INSEE's Code
officiel géographique, Licence Ouverte):

- 6.0.0: the delegated and associated communes of today's communes;
- 0.8.0: the history of every commune from 1943 to 2019-01-01
  (`historique-communes.json`), which later versions dropped, for the merges whose old
  communes did not stay delegated (Les Costes, 05043, absorbed by Aubessagne in 2018).

A code still in use today is never an old code. A row may name a commune that itself
merged later: `cpts` follows such chains.

  scripts/make_code_passage.py [--cache DIR]
"""
import argparse, csv, json, os, subprocess, sys, tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fetch_communes import fetch  # noqa: E402

HISTORY = "@etalab/decoupage-administratif@0.8.0"


def fetch_history(cache):
    tgz = os.path.join(cache, "etalab-decoupage-administratif-0.8.0.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", "-s", HISTORY], cwd=cache, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(tgz) as tar:
        return json.load(tar.extractfile("package/data/historique-communes.json"))


def last_commune(entities, start):
    """The commune an entity of the history ends in (as of 2019-01-01)."""
    entity, seen = start, set()
    while entity["id"] not in seen:
        seen.add(entity["id"])
        if entity["type"] != "COM":  # delegated, associated or absorbed: its pole
            entity = entities[entity["pole"]]
        elif entity.get("successeur"):
            entity = entities[entity["successeur"]]
        else:
            return entity
    return entity


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/cpts-coverage"))
    args = parser.parse_args()
    _, tgz = fetch(args.cache)
    with tarfile.open(tgz) as tar:
        today = json.load(tar.extractfile("package/data/communes.json"))
    current = {c["code"] for c in today if c["type"] in ("commune-actuelle", "arrondissement-municipal")}
    passage = {}
    for c in today:
        if c["type"] in ("commune-deleguee", "commune-associee") and c["code"] not in current:
            passage.setdefault(c["code"], (c["chefLieu"], c["nom"]))
    history = fetch_history(args.cache)
    entities = {e["id"]: e for e in history}
    for e in history:
        if e["type"] != "COM" or not e.get("successeur") or e["code"] in current or e["code"] in passage:
            continue
        end = last_commune(entities, e)
        if end["code"] != e["code"]:
            passage[e["code"]] = (end["code"], e["nom"])
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "code_passage.csv")
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["ancien_code", "nouveau_code", "ancien_nom"])
        w.writerows((old, new, nom) for old, (new, nom) in sorted(passage.items()))
    print(f"{len(passage)} old codes written to data/code_passage.csv")


if __name__ == "__main__":
    main()
