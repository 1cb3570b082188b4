#!/usr/bin/env python3
"""Write a synthetic population grid in the layout of INSEE's 2019 gridded data
(Filosofi "données carroyées", 200 m cells), made from a communes layer, for tests and
benchmarks: the real national file is not in a package registry.

Each commune's population is spread over the 200 m cells (EPSG:3035) whose centre lies
in it, with a density falling with the distance from the commune's centroid
(exp(-d / L), L a twentieth of the side of a square of the commune's area, at least
half a cell: people gather around the village centre and most cells of a rural commune
stay empty, as in INSEE's file; nationally 3.2 million inhabited cells, INSEE's has about
2.3 million), then rounded
to whole inhabitants by largest remainders, so that the cells of each commune sum to
its population exactly. A commune too small to hold a cell centre puts its people in
the cell of a point inside it; a cell holding people of two communes is one row, its
`lcog_geo` their codes one after the other (as INSEE writes it). The age bands take
fixed shares, 15 % aged 65 to 79 and 6 % aged 80 and over, rounded by largest
remainders and never above a cell's population.

Without --departement, the metropolitan communes only (INSEE distributes the overseas
grids apart, each in its own CRS). The same layer gives the same file, byte for byte.

Columns (INSEE 2019, lower case): idcar_200m (`CRS3035RES200mN{y}E{x}`, the cell's
south-west corner), i_est_200 (0: not imputed), lcog_geo (the commune's code), ind,
ind_65_79, ind_80p.

  scripts/make_synthetic_grid.py COMMUNES.geojson OUT.csv [--departement 06 ...]

Needs shapely, pyproj and numpy (pip install shapely pyproj).
"""
import argparse
import csv
import json
import math

import numpy as np
import shapely
from pyproj import Transformer
from shapely import prepared
from shapely.geometry import Point, shape

CELL = 200.0
SHARE_65_79 = 0.15
SHARE_80P = 0.06


def whole(total, weights):
    """`total` inhabitants split in proportion to `weights`, as whole numbers summing to
    it (largest remainders; ties to the first)."""
    total = int(round(total))
    norm = sum(weights)
    if norm <= 0 or total <= 0:
        return [0] * len(weights)
    exact = [total * w / norm for w in weights]
    floors = [math.floor(e) for e in exact]
    left = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return floors


def cells(polygon):
    """The south-west corners of the 200 m cells whose centre lies in `polygon`."""
    inside = prepared.prep(polygon)
    x0, y0, x1, y1 = polygon.bounds
    found = []
    ys = math.floor(y0 / CELL) * CELL
    xs = math.floor(x0 / CELL) * CELL
    y = ys
    while y < y1:
        x = xs
        while x < x1:
            if inside.contains(Point(x + CELL / 2, y + CELL / 2)):
                found.append((int(x), int(y)))
            x += CELL
        y += CELL
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("communes")
    parser.add_argument("out")
    parser.add_argument("--departement", action="append", default=[], help="only these (repeatable)")
    args = parser.parse_args()
    transformer = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)

    def to_3035(xy):
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    with open(args.communes, encoding="utf-8") as f:
        features = json.load(f)["features"]
    rows = {}
    for feature in sorted(features, key=lambda f: f["properties"]["code"]):
        props = feature["properties"]
        if args.departement and props.get("departement") not in args.departement:
            continue
        # INSEE's metropolitan file: the overseas départements have grids of their own CRS.
        if not args.departement and props["code"].startswith("97"):
            continue
        polygon = shapely.transform(shape(feature["geometry"]), to_3035)
        corners = cells(polygon)
        if not corners:
            p = polygon.representative_point()
            corners = [(int(math.floor(p.x / CELL) * CELL), int(math.floor(p.y / CELL) * CELL))]
        centre = polygon.centroid
        scale = max(math.sqrt(polygon.area) / 20.0, CELL / 2)
        weights = [
            math.exp(-math.hypot(x + CELL / 2 - centre.x, y + CELL / 2 - centre.y) / scale)
            for x, y in corners
        ]
        ind = whole(props["population"], weights)
        old = whole(props["population"] * SHARE_65_79, weights)
        oldest = whole(props["population"] * SHARE_80P, weights)
        for (x, y), a, b, c in zip(corners, ind, old, oldest):
            if a == 0:
                continue
            b = min(b, a)
            c = min(c, a - b)
            codes, *counts = rows.get((y, x), ("", 0, 0, 0))
            rows[(y, x)] = (codes + props["code"], counts[0] + a, counts[1] + b, counts[2] + c)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["idcar_200m", "i_est_200", "lcog_geo", "ind", "ind_65_79", "ind_80p"])
        for (y, x), (codes, a, b, c) in sorted(rows.items()):
            w.writerow([f"CRS3035RES200mN{y}E{x}", 0, codes, a, b, c])
    print(f"{len(rows)} cells, {sum(r[1] for r in rows.values())} inhabitants written to {args.out}")


if __name__ == "__main__":
    main()
