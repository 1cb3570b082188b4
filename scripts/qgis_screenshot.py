"""Renders the README's picture of the QGIS plugin headless: the Processing Toolbox
filtered on the provider and the layers panel holding the group `cpts:analyze` added to
the project on the fixtures, beside the map of that group's styled layers. Needs Debian's QGIS (run with /usr/bin/python3) and cpts (CPTS_BIN, or on
PATH).

    /usr/bin/python3 scripts/qgis_screenshot.py docs/qgis.png
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "qgis", "tests"))
import harness  # noqa: E402
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsMapRendererParallelJob,  # noqa: E402
                       QgsMapSettings, QgsProcessingContext, QgsProcessingFeedback, QgsProject)
from qgis.core import QgsLayerTreeModel  # noqa: E402
from qgis.gui import QgsLayerTreeView, QgsProcessingToolboxTreeView  # noqa: E402
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402

app = QgsApplication([], True, os.path.join(harness.scratch(), "profile"))
app.initQgis()
sys.path[:0] = [os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"), harness.PLUGINS]
from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()
import cpts_coverage  # noqa: E402
import processing  # noqa: E402

plugin = cpts_coverage.classFactory(None)
plugin.initProcessing()
harness.set_executable(harness.CPTS)

toolbox = QgsProcessingToolboxTreeView(None, QgsApplication.processingRegistry())
toolbox.setHeaderHidden(True)
toolbox.setFilterString("cpts")
toolbox.setFont(QFont("DejaVu Sans", 10))
toolbox.resize(360, 150)
toolbox.expandAll()
toolbox.clearSelection()
toolbox.show()

project = QgsProject.instance()
context = QgsProcessingContext()
context.setProject(project)
processing.run("cpts:analyze", {"COMMUNES": harness.COMMUNES, "PERIMETERS": harness.PERIMETERS,
                                "OUT": os.path.join(harness.scratch(), "out")},
               context=context, feedback=QgsProcessingFeedback())
group = project.layerTreeRoot().findGroups()[0]
layers = [node.layer() for node in group.findLayers()]
settings = QgsMapSettings()
settings.setLayers(layers)
settings.setBackgroundColor(QColor("white"))
settings.setOutputSize(QSize(760, 560))
settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:2154"))
settings.setExtent(settings.layerExtentToOutputExtent(layers[-1], layers[-1].extent()).buffered(3000))
model = QgsLayerTreeModel(project.layerTreeRoot())
panel = QgsLayerTreeView()
panel.setModel(model)
panel.setFont(QFont("DejaVu Sans", 10))
panel.resize(360, 370)
panel.expandAll()
panel.show()
app.processEvents()
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()

image = QImage(1140, 600, QImage.Format_ARGB32)
image.fill(QColor("#e8e8e8"))
painter = QPainter(image)
painter.setFont(QFont("DejaVu Sans", 11, QFont.Bold))
painter.drawText(10, 22, "Processing Toolbox")
painter.drawImage(10, 32, toolbox.grab().toImage())
painter.drawText(10, 212, "Layers")
painter.drawImage(10, 222, panel.grab().toImage())
painter.drawText(380, 22, "Map")
painter.drawImage(380, 32, job.renderedImage())
painter.end()
image.save(sys.argv[1])
