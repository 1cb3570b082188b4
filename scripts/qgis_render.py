"""Renders the map layers of an `analyze` or `plan` output (the plan's proposals on top)
with their QGIS styles to a PNG, in QGIS itself (offscreen), and prints each layer's
renderer and classes: a check by eye that QGIS reads the styles as meant. Needs Debian's
python3-qgis (run with /usr/bin/python3).

    /usr/bin/python3 scripts/qgis_render.py OUT_DIR|OUT/cpts-coverage.gpkg PNG [xmin,ymin,xmax,ymax]
"""
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (QgsApplication, QgsVectorLayer, QgsMapSettings, QgsMapRendererParallelJob,
                       QgsRectangle)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
app = QgsApplication([], False)
app.initQgis()
out, png = sys.argv[1], sys.argv[2]
layers = []
# A plan's proposals (always GeoJSON) go on top when there are some.
root = os.path.dirname(out) if out.endswith(".gpkg") else out
planned = os.path.exists(os.path.join(root, "proposals.geojson"))
for name in ["proposals"] * planned + ["overlaps", "white_zones", "cpts", "communes"]:
    if out.endswith(".gpkg") and name != "proposals":
        uri = f"{out}|layername={name}"
    else:
        uri = os.path.join(root, f"{name}.geojson")
    layer = QgsVectorLayer(uri, name, "ogr")
    assert layer.isValid(), uri
    if out.endswith(".gpkg") and name != "proposals":
        msg, ok = layer.loadDefaultStyle()
    else:
        msg, ok = layer.loadNamedStyle(os.path.join(root, f"{name}.qml"))
    r = layer.renderer()
    print(name, layer.featureCount(), ok, msg, r.type() if r else None, "labels" if layer.labelsEnabled() else "")
    if r and r.type() in ("graduatedSymbol",):
        for rg in r.ranges():
            print("   ", rg.lowerValue(), rg.upperValue(), rg.label(), rg.symbol().color().name())
    if r and r.type() == "categorizedSymbol":
        for c in r.categories():
            print("   ", c.value(), c.label(), c.symbol().color().name(), c.symbol().symbolLayer(0).brushStyle())
    if r and r.type() == "singleSymbol":
        sl = r.symbol().symbolLayer(0)
        print("   ", r.symbol().color().name(), sl.brushStyle())
    layers.append(layer)
s = QgsMapSettings()
s.setLayers(layers)
s.setBackgroundColor(QColor(255, 255, 255))
s.setOutputSize(QSize(1000, 1000))
ext = layers[-1].extent()
if len(sys.argv) > 3:
    x0, y0, x1, y1 = map(float, sys.argv[3].split(","))
    ext = QgsRectangle(x0, y0, x1, y1)
s.setExtent(ext)
s.setDestinationCrs(layers[-1].crs())
job = QgsMapRendererParallelJob(s)
job.start(); job.waitForFinished()
job.renderedImage().save(png)
app.exitQgis()
