#!/usr/bin/env python3
"""An independent computation of the population-grid rule with GeoPandas, to check
`cpts analyze --population-grid` against: each cell's people spread evenly over the cell
(its square from its INSPIRE id, EPSG:3035, taken to Lambert-93), a cell astride
communes shared by area, each commune's cells scaled so that it keeps its population
(a commune the grid gives no inhabitant keeps the even spread); a CPTS's population is
then the sum of the people of its part of each commune. No contour-gap rule: compare
with `cpts analyze --gap-width 0`. Prints JSON: total, covered and each CPTS's population.

    python3 scripts/grid_reference.py --communes C.geojson --perimeters P.geojson \
        --grid grid.csv [--departement 06] [--exclude-where nom_cpts=HORS CPTS] \
        [--id-field nom_cpts] > reference.json

Needs geopandas, shapely and pyproj (pip).
"""
import argparse
import json
import re
import sys

import geopandas as gpd
import pandas as pd
from shapely.geometry import box
from shapely.validation import make_valid

L93 = "EPSG:2154"
INSPIRE = re.compile(r"CRS(\d+)RES(\d+)mN(\d+)E(\d+)")


def grid_cells(path):
    table = pd.read_csv(path, sep=None, engine="python", dtype=str)
    lower = {c.lower(): c for c in table.columns}
    ids = table[next(lower[c] for c in ("idcar_200m", "idinspire") if c in lower)]
    people = table[lower["ind"]].astype(float)
    squares, epsg = [], None
    for i in ids:
        m = INSPIRE.fullmatch(i.strip())
        epsg, size, north, east = (int(g) for g in m.groups())
        squares.append(box(east, north, east + size, north + size))
    cells = gpd.GeoDataFrame({"ind": people.values}, geometry=squares, crs=f"EPSG:{epsg}").to_crs(L93)
    cells["cell_area"] = cells.geometry.area
    return cells


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--communes", required=True)
    ap.add_argument("--perimeters", required=True)
    ap.add_argument("--grid", required=True)
    ap.add_argument("--departement")
    ap.add_argument("--exclude-where")
    ap.add_argument("--id-field", default="id")
    a = ap.parse_args()

    communes = gpd.read_file(a.communes)
    if a.departement:
        communes = communes[communes["departement"] == a.departement]
    communes = communes[["code", "population", "geometry"]].to_crs(L93)
    communes["commune_area"] = communes.geometry.area

    perimeters = gpd.read_file(a.perimeters)
    if a.exclude_where:
        field, value = a.exclude_where.split("=", 1)
        perimeters = perimeters[perimeters[field] != value]
    perimeters = perimeters.rename(columns={a.id_field: "cpts"})[["cpts", "geometry"]]
    perimeters["geometry"] = perimeters.geometry.map(make_valid)
    perimeters = perimeters.to_crs(L93).dissolve(by="cpts").reset_index()

    cells = grid_cells(a.grid)
    pieces = gpd.overlay(cells, communes, how="intersection", keep_geom_type=True)
    pieces["raw"] = pieces["ind"] * pieces.geometry.area / pieces["cell_area"]
    raw = pieces.groupby("code")["raw"].sum()
    communes["scale"] = communes["code"].map(raw).fillna(0.0)
    communes["scale"] = [p / r if r > 0 else 0.0 for p, r in zip(communes["population"], communes["scale"])]
    scale = dict(zip(communes["code"], communes["scale"]))
    pieces["density"] = [i * scale[c] / ca for i, c, ca in zip(pieces["ind"], pieces["code"], pieces["cell_area"])]
    even = communes[communes["scale"] == 0.0]

    def people_in(shapes, key):
        """People of the pieces (and of the evenly spread communes) inside `shapes`, by `key`."""
        inside = gpd.overlay(pieces[["density", "geometry"]], shapes, how="intersection", keep_geom_type=True)
        inside["people"] = inside["density"] * inside.geometry.area
        total = inside.groupby(key)["people"].sum()
        if len(even):
            flat = gpd.overlay(even, shapes, how="intersection", keep_geom_type=True)
            flat["people"] = flat["population"] * flat.geometry.area / flat["commune_area"]
            total = total.add(flat.groupby(key)["people"].sum(), fill_value=0.0)
        return total

    by_cpts = people_in(perimeters, "cpts")
    union = gpd.GeoDataFrame({"all": [1]}, geometry=[perimeters.union_all()], crs=L93)
    covered = people_in(union, "all").sum()
    json.dump(
        {
            "total_population": float(communes["population"].sum()),
            "covered_population": float(covered),
            "cpts": {k: float(v) for k, v in sorted(by_cpts.items())},
        },
        sys.stdout,
        indent=1,
        ensure_ascii=False,
    )
    print()


if __name__ == "__main__":
    main()
