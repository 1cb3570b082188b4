#!/usr/bin/env python3
"""Writes fixtures/quirks/: five hand-drawn communes and perimeter files with the quirks
of real ARS files (see fixtures/README.md, "quirks/"). The figures they must give are
worked out by hand in tests/real_world_perimeters.rs.

Needs openpyxl and odfpy for the spreadsheets (pip install openpyxl odfpy).
"""
import json
import pathlib

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

OUT = pathlib.Path(__file__).resolve().parent.parent / "fixtures" / "quirks"
STEP = 0.01  # degrees: each commune is a 0.01° square, side by side along a parallel
SOUTH = 48.50
WEST = -2.80

# code, name, population: five communes of the Côtes-d'Armor (22), west to east.
COMMUNES = [
    ("22901", "La Garde", 1000),
    ("22902", "Le Vieux-Bourg", 2000),
    ("22903", "Saint-Aubin", 3000),
    ("22904", "L'Hermitage", 4000),
    ("22905", "Plouha", 5000),
]


def rectangle(west, east, south, north):
    """A rectangle with a vertex wherever a commune corner lies on its edges: a straight
    edge in longitude/latitude bends once projected, so a perimeter drawn from commune
    contours shares their vertices."""
    xs = [west + k * STEP for k in range(round((east - west) / STEP) + 1)]
    ys = [south + k * STEP for k in range(round((north - south) / STEP) + 1)]
    ring = ([[x, south] for x in xs] + [[east, y] for y in ys[1:]]
            + [[x, north] for x in reversed(xs[:-1])] + [[west, y] for y in reversed(ys[:-1])])
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def column(i):
    """West edge of the i-th commune."""
    return WEST + i * STEP


def write_json(name, value):
    with open(OUT / name, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=1)
        f.write("\n")


def communes():
    features = [
        {
            "type": "Feature",
            "properties": {"code": code, "nom": nom, "population": pop,
                           "departement": "22", "region": "53"},
            "geometry": rectangle(column(i), column(i + 1), SOUTH, SOUTH + STEP),
        }
        for i, (code, nom, pop) in enumerate(COMMUNES)
    ]
    write_json("communes.geojson", {"type": "FeatureCollection", "features": features})


def names_only_layer():
    """A QGIS export: one `nom_cpts` column, a legacy crs member, the white zone drawn
    as a "HORS CPTS" feature, and a CPTS reaching north beyond the communes."""
    def feature(name, geometry):
        return {"type": "Feature", "properties": {"nom_cpts": name}, "geometry": geometry}

    features = [
        # The first two communes exactly.
        feature("CPTS du Goëlo", rectangle(column(0), column(2), SOUTH, SOUTH + STEP)),
        # The third commune, and twice its area north of the communes.
        feature("CPTS Trégor Ouest", rectangle(column(2), column(3), SOUTH, SOUTH + 3 * STEP)),
        # The last two communes: territory in no CPTS.
        feature("HORS CPTS", rectangle(column(3), column(5), SOUTH, SOUTH + STEP)),
    ]
    write_json("cpts-names-only.geojson", {
        "type": "FeatureCollection",
        "name": "contours_cpts",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    })


# A listing as the Assurance Maladie sends it: a title line, French status labels,
# commune names without their articles or with "St", and a commune of another
# département (29) that the communes layer does not hold.
LISTING_TITLE = "Liste des CPTS et de leurs communes (ARS Bretagne, 2025)"
LISTING_HEADER = ["Nom CPTS", "Statut", "Commune", "Département"]
LISTING = [
    ["CPTS du Goëlo", "ACI signé", "Garde", "22"],
    ["CPTS du Goëlo", "ACI signé", "Vieux Bourg", "22"],
    ["CPTS Trégor Ouest", "Lettre d'intention", "St-Aubin", "22"],
    ["CPTS Trégor Ouest", "Lettre d'intention", "Hermitage", "22"],
    ["CPTS Trégor Ouest", "Lettre d'intention", "Morlaix", "29"],
]


def listing_xlsx():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "CPTS"
    sheet.append([LISTING_TITLE])
    sheet.append([])
    sheet.append(LISTING_HEADER)
    for row in LISTING:
        sheet.append(row)
    notes = book.create_sheet("Notes")
    notes.append(["Communes listées au 1er janvier 2025"])
    book.save(OUT / "cpts-listing.xlsx")


def listing_ods():
    doc = OpenDocumentSpreadsheet()
    table = Table(name="CPTS")
    for values in [[LISTING_TITLE], [], LISTING_HEADER, *LISTING]:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(OUT / "cpts-listing.ods"))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    communes()
    names_only_layer()
    listing_xlsx()
    listing_ods()
