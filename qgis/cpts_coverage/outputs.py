"""A run's outputs back in QGIS: its map layers with their styles in a layer group, its
figures read from summary.json, and its report in the browser."""

import json
import os

from qgis.core import QgsVectorLayer
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices

from .language import text

# The map layers a run may write, top of the group first, with their names in English
# and French.
LAYERS = (
    ("proposals", ("Proposals", "Propositions")),
    ("diff", ("Changed communes", "Communes changées")),
    ("overlaps", ("Overlaps", "Chevauchements")),
    ("white_zones", ("White zones", "Zones blanches")),
    ("cpts", ("CPTS", "CPTS")),
    ("communes", ("Communes", "Communes")),
)

GEOPACKAGE = "cpts-coverage.gpkg"

# The figures of summary.json returned as outputs: output name, key, English and French.
SUMMARY_FIGURES = (
    ("TOTAL_POPULATION", "total_population", "Total population", "Population totale"),
    ("COVERED_POPULATION", "covered_population", "Covered population", "Population couverte"),
    ("COVERAGE_RATE", "coverage_rate", "Coverage rate", "Taux de couverture"),
    ("WHITE_ZONE_COUNT", "white_zone_count", "White zones", "Zones blanches"),
    ("WHITE_ZONE_POPULATION", "white_zone_population", "White-zone population",
     "Population en zone blanche"),
    ("OVERLAP_COUNT", "overlap_count", "Overlaps", "Chevauchements"),
)


def layer_uris(out):
    """The map layers of the output folder `out`: (name, URI) pairs, top first; a layer
    of the GeoPackage when the run wrote one, else its GeoJSON file."""
    gpkg = os.path.join(out, GEOPACKAGE)
    found = []
    for name, _ in LAYERS:
        geojson = os.path.join(out, name + ".geojson")
        if os.path.isfile(geojson):
            found.append((name, geojson))
        elif os.path.isfile(gpkg) and name in ("overlaps", "white_zones", "cpts", "communes"):
            found.append((name, f"{gpkg}|layername={name}"))
    return found


def load_layers(out, project, group_name, feedback):
    """Adds the map layers of `out` to `project` under a new group `group_name` at the top
    of its layer tree, each with its style (the `.qml` beside a GeoJSON file, or the
    GeoPackage's `layer_styles`); returns the group."""
    group = project.layerTreeRoot().insertGroup(0, group_name)
    names = dict(LAYERS)
    for name, uri in layer_uris(out):
        layer = QgsVectorLayer(uri, text(*names[name]), "ogr")
        if not layer.isValid():
            feedback.reportError(text(f"QGIS could not open {uri}", f"QGIS n'a pas pu ouvrir {uri}"))
            continue
        message, styled = layer.loadDefaultStyle()
        if not styled and name != "diff":
            feedback.pushWarning(text(f"{uri}: no style loaded ({message})",
                                      f"{uri} : aucun style chargé ({message})"))
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    return group


def summary_figures(out):
    """The headline figures of `out/summary.json`, by output name."""
    with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)
    return {output: summary[key] for output, key, _, _ in SUMMARY_FIGURES}


def log_figures(figures, feedback):
    """Prints the headline figures in the algorithm's log."""
    for output, _, en, fr in SUMMARY_FIGURES:
        value = figures[output]
        shown = f"{100 * value:.2f} %" if output == "COVERAGE_RATE" else f"{value:.0f}"
        feedback.pushInfo(f"{text(en, fr)}: {shown}")


def open_report(path):
    """Opens `path` (report.html) in the default browser."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))
