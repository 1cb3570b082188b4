#!/usr/bin/env python3
"""Access to general practitioners computed a second way, to check `cpts analyze --apl`.

Python standard library only. From the same inputs as the run, computes for the nation
and each département:

- apl_mean: Σ standardised population × APL / Σ standardised population, over the units
  with a value;
- population_below_threshold: the population (the communes layer's) of the units whose
  APL is under the threshold (2.5 unless --threshold);
- covered_population_below_threshold and white_zone_population_below_threshold;
- units_without_value: the units no row of the APL table reaches.

The APL side is independent of the engine: the DREES workbook is read here with zipfile
and xml.etree (workbook.xml for the sheet names, its relations for their files,
sharedStrings.xml, inline strings), the latest `APL YYYY` sheet unless --sheet, header
found by its code column, columns matched by their beginning. The join rule is the
README's: each unit takes its own code's row; a city analysed whole (75056, 69123, 13055
when there is no --arrondissements) takes its arrondissements' mean weighted by their
standardised population, and its standardised population is their sum; a code of
another vintage goes through the passage table (data/code_passage.csv); units without a
value are left out.

Coverage:

- MEMBERSHIP mode (--perimeters is a CSV): computed here too. A unit is covered when the
  CSV lists its code (or its old code, through the passage table; a listed city whose
  arrondissements are units covers them all), else it is uncovered, and its population
  is white-zone population (the run's sliver population must be 0: --run-dir checks it).
- POLYGON mode (--perimeters is a GeoJSON): each unit's covered and white-zone
  populations are taken from the run's communes.geojson (--run-dir). The APL side stays
  independent; the coverage side is the engine's, itself checked against the GeoPandas
  peer (tests/peer_agreement.rs).

Usage:
  apl_reference.py --communes C.geojson [--arrondissements A.geojson]
      --perimeters P.csv|P.geojson --apl APL.xlsx [--sheet "APL 2023"] [--threshold 2.5]
      [--passage data/code_passage.csv] [--run-dir OUT] [--out ref.json]
"""

import argparse
import csv
import json
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CITIES = {"75": "75056", "69": "69123", "13": "13055"}


def city_of(code):
    """The city of an arrondissement code (75101…, 69381…, 13201…), else None."""
    if re.fullmatch(r"751(0[1-9]|1[0-9]|20)", code):
        return "75056"
    if re.fullmatch(r"6938[1-9]", code):
        return "69123"
    if re.fullmatch(r"132(0[1-9]|1[0-6])", code):
        return "13055"
    return None


def col_index(ref):
    """0-based column of a cell reference such as `AB12`."""
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1


def text_of(node):
    """The text of an `<si>` or `<is>` element: its `<t>`, or its runs' `<t>` joined."""
    return "".join(t.text or "" for t in node.iter(MAIN + "t"))


def xlsx_sheet(path, choose):
    """The sheet `choose(names)` picks of a workbook: its name and its rows (lists of
    strings)."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        shared = []
        if "xl/sharedStrings.xml" in names:
            root = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = [text_of(si) for si in root.findall(MAIN + "si")]
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels.iter(PKG_REL + "Relationship")}
        book = ET.fromstring(z.read("xl/workbook.xml"))
        files = {}
        for s in book.iter(MAIN + "sheet"):
            t = target[s.get(REL + "id")]
            files[s.get("name")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
        name = choose(list(files))
        return name, read_sheet(z.read(files[name]), shared)


def read_sheet(data, shared):
    rows = []
    root = ET.fromstring(data)
    for row in root.iter(MAIN + "row"):
        cells = {}
        for c in row.findall(MAIN + "c"):
            kind = c.get("t")
            v = c.find(MAIN + "v")
            if kind == "s":
                value = shared[int(v.text)] if v is not None else ""
            elif kind == "inlineStr":
                isn = c.find(MAIN + "is")
                value = text_of(isn) if isn is not None else ""
            else:
                value = v.text if v is not None and v.text is not None else ""
            cells[col_index(c.get("r"))] = value
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    return rows


def number(text):
    text = (text or "").strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def commune_code(text):
    text = (text or "").strip()
    if re.fullmatch(r"\d+(\.0)?", text):
        text = text.split(".")[0].zfill(5)
    return text if re.fullmatch(r"\d[\dAB]\d{3}", text) else None


def read_apl(path, sheet):
    """{code: (apl, standardised)} from the DREES workbook, and the sheet read."""
    def choose(names):
        if sheet is not None:
            return sheet
        years = [n for n in names if re.fullmatch(r"APL \d{4}", n.strip())]
        return max(years, key=lambda n: int(n.split()[1]))

    sheet, rows = xlsx_sheet(path, choose)
    head = next(i for i, r in enumerate(rows) if any(c.strip() == "Code commune INSEE" for c in r))
    header = [c.strip() for c in rows[head]]

    def column(prefix):
        return next(i for i, h in enumerate(header) if h.startswith(prefix))

    code_col = header.index("Code commune INSEE")
    apl_col = column("APL aux médecins généralistes")
    std_col = column("Population standardisée")
    table = {}
    for r in rows[head + 1:]:
        cell = lambda i: r[i] if i < len(r) else ""
        code = commune_code(cell(code_col))
        if code is None:
            continue
        table[code] = (number(cell(apl_col)), number(cell(std_col)))
    return table, sheet


def read_passage(path):
    current = {}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            current[row["ancien_code"]] = row["nouveau_code"]

    def follow(code):
        found = current.get(code)
        if found is None:
            return None
        for _ in range(16):
            nxt = current.get(found)
            if nxt is None or nxt == code:
                break
            found = nxt
        return found

    return follow


def read_units(communes, arrondissements):
    """The units: {code: (population, département)}, the cities replaced by their
    arrondissements when these are given."""
    units = {}
    for f in json.load(open(communes, encoding="utf-8"))["features"]:
        p = f["properties"]
        units[str(p["code"])] = (float(p.get("population") or 0), str(p["departement"]))
    if arrondissements:
        for f in json.load(open(arrondissements, encoding="utf-8"))["features"]:
            p = f["properties"]
            city = city_of(str(p["code"]))
            dep = units[city][1] if city in units else str(p["code"])[:2]
            units[str(p["code"])] = (float(p.get("population") or 0), dep)
        for city in CITIES.values():
            units.pop(city, None)
    return units


def join(units, table, passage):
    """{unit: (apl, standardised)} by the README's rule: own code, else the
    arrondissements' mean (city analysed whole), else through the passage table."""
    gathered = {}  # unit -> (way, [rows]); way 0 own, 1 arrondissement, 2 passage
    for code, row in table.items():
        if code in units:
            target = (0, code)
        elif city_of(code) in units:
            target = (1, city_of(code))
        elif passage(code) in units:
            target = (2, passage(code))
        else:
            continue
        way, unit = target
        have = gathered.get(unit)
        if have is None or way < have[0]:
            gathered[unit] = (way, [row])
        elif way == have[0]:
            have[1].append(row)
    joined = {}
    for unit, (_, rows) in gathered.items():
        valued = [r for r in rows if r[0] is not None]
        if not valued:
            continue
        std = sum(r[1] or 0.0 for r in valued)
        if len(valued) == 1:
            apl = valued[0][0]
        else:
            apl = sum(r[0] * (r[1] or 0.0) for r in valued) / std
        joined[unit] = (apl, std)
    return joined


def membership_coverage(path, units, passage):
    """{unit: (covered population, white-zone population)} from a membership CSV."""
    with open(path, encoding="utf-8-sig") as f:
        sample = f.readline()
        f.seek(0)
        delim = ";" if sample.count(";") >= sample.count(",") else ","
        reader = csv.DictReader(f, delimiter=delim)
        col = next(c for c in reader.fieldnames if c.strip().lower() in ("code_insee", "insee", "code"))
        listed = set()
        for row in reader:
            code = commune_code(row[col])
            if code is None:
                continue
            if code not in units:
                code = passage(code) or code
            if code in units:
                listed.add(code)
            else:
                listed.update(u for u in units if city_of(u) == code)
    return {
        u: (pop, 0.0) if u in listed else (0.0, pop) for u, (pop, _) in units.items()
    }


def polygon_coverage(run_dir):
    out = {}
    for f in json.load(open(os.path.join(run_dir, "communes.geojson"), encoding="utf-8"))["features"]:
        p = f["properties"]
        out[str(p["code"])] = (float(p["covered_population"]), float(p["white_zone_population"]))
    return out


def figures(codes, units, joined, coverage, threshold):
    num = den = below = covered = white = 0.0
    without = 0
    for u in codes:
        if u not in joined:
            without += 1
            continue
        apl, std = joined[u]
        num += apl * std
        den += std
        if apl < threshold:
            below += units[u][0]
            covered += coverage[u][0]
            white += coverage[u][1]
    return {
        "apl_mean": num / den if den > 0 else None,
        "population_below_threshold": below,
        "covered_population_below_threshold": covered,
        "white_zone_population_below_threshold": white,
        "units_without_value": without,
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--communes", required=True)
    ap.add_argument("--arrondissements")
    ap.add_argument("--perimeters", required=True)
    ap.add_argument("--apl", required=True)
    ap.add_argument("--sheet")
    ap.add_argument("--threshold", type=float, default=2.5)
    ap.add_argument("--passage", default=os.path.join(here, "..", "data", "code_passage.csv"))
    ap.add_argument("--run-dir", help="the run's output directory (polygon mode: its communes.geojson)")
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    a = ap.parse_args()

    units = read_units(a.communes, a.arrondissements)
    passage = read_passage(a.passage)
    table, sheet = read_apl(a.apl, a.sheet)
    joined = join(units, table, passage)
    membership = not a.perimeters.lower().endswith((".geojson", ".json", ".gpkg", ".shp"))
    if membership:
        coverage = membership_coverage(a.perimeters, units, passage)
        if a.run_dir:
            summary = json.load(open(os.path.join(a.run_dir, "summary.json"), encoding="utf-8"))
            if summary.get("sliver_population", 0) != 0:
                sys.exit("membership run with sliver population: white zones are not the uncovered population")
    else:
        if not a.run_dir:
            sys.exit("polygon mode needs --run-dir (the run's communes.geojson)")
        coverage = polygon_coverage(a.run_dir)
        missing = set(units) - set(coverage)
        if missing:
            sys.exit(f"units absent from the run's communes.geojson: {sorted(missing)[:5]}")

    deps = sorted({d for _, d in units.values()})
    result = {
        "mode": "membership" if membership else "polygon",
        "sheet": sheet,
        "threshold": a.threshold,
        "national": figures(units, units, joined, coverage, a.threshold),
        "by_departement": [
            dict(departement=d, **figures([u for u, (_, dd) in units.items() if dd == d], units, joined, coverage, a.threshold))
            for d in deps
        ],
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
