"""QGIS inputs as the files cpts reads.

A file path is passed as it is. A layer read from a file cpts also reads (GeoJSON,
Shapefile, FlatGeobuf, a GeoPackage layer as `FILE.gpkg:LAYER`, a CSV or spreadsheet
table) is passed by its source path. Any other layer (a memory or database layer, a layer
filtered, with unsaved edits, or used by its selection) is written to a temporary file
first: a GeoPackage, or a CSV for a table without geometry.
"""

import os
import re
from dataclasses import dataclass

from qgis.core import (
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingUtils,
    QgsProviderRegistry,
    QgsVectorFileWriter,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QUrl, QVariant

from .language import text

LAYER_FILES = (".geojson", ".json", ".shp", ".fgb")
SPREADSHEETS = (".xlsx", ".xls", ".ods")
TABLE_FILES = (".csv", ".tsv", ".txt") + SPREADSHEETS


@dataclass
class InputFile:
    """A file to give cpts, with the sheet QGIS read when it is a spreadsheet."""

    path: str
    label: str
    sheet: str = None


def input_file(algorithm, parameters, name, context, feedback):
    """The file cpts reads for the layer parameter `name`, or None when it is unset."""
    value = parameters.get(name)
    if value is None or value == "" or (isinstance(value, QVariant) and value.isNull()):
        return None
    selected = False
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        selected = value.selectedFeaturesOnly
        value = value.source.staticValue()
    if isinstance(value, str) and _is_file(value):
        path = os.path.abspath(value)
        return InputFile(path, _stem(path))
    if isinstance(value, str):
        layer = QgsProcessingUtils.mapLayerFromString(value, context)
    else:
        layer = algorithm.parameterAsVectorLayer(parameters, name, context)
    if layer is None:
        raise QgsProcessingException(text(
            f"{name}: {value!r} is neither a layer of the project nor a file cpts reads.",
            f"{name} : {value!r} n'est ni une couche du projet ni un fichier lisible par cpts.",
        ))
    if not selected:
        found = source_file(layer)
        if found is not None:
            return found
    source = algorithm.parameterAsSource(parameters, name, context)
    return write_temporary(source, layer.name(), context, feedback)


def source_file(layer):
    """The file of `layer` as cpts reads it, or None when cpts cannot read the layer as
    QGIS shows it."""
    if layer.subsetString() or layer.isModified():
        return None
    if layer.providerType() == "ogr":
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path, sublayer = parts.get("path", ""), parts.get("layerName") or ""
        extension = os.path.splitext(path)[1].lower()
        if extension in LAYER_FILES or extension in (".csv", ".tsv", ".txt"):
            return InputFile(path, layer.name())
        if extension == ".gpkg":
            return InputFile(f"{path}:{sublayer}" if sublayer else path, layer.name())
        if extension in SPREADSHEETS:
            return InputFile(path, layer.name(), sublayer or None)
    if layer.providerType() == "delimitedtext":
        path = QUrl(layer.source()).toLocalFile()
        if os.path.splitext(path)[1].lower() in TABLE_FILES:
            return InputFile(path, layer.name())
    return None


def write_temporary(source, name, context, feedback):
    """Writes the features of `source` (a layer, or its selection) to a temporary
    GeoPackage, or CSV when they have no geometry, and returns that file."""
    spatial = QgsWkbTypes.geometryType(source.wkbType()) != QgsWkbTypes.NullGeometry
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", name) or "layer"
    path = QgsProcessingUtils.generateTempFilename(base + (".gpkg" if spatial else ".csv"))
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG" if spatial else "CSV"
    options.fileEncoding = "UTF-8"
    options.layerName = base
    if spatial:
        options.layerOptions = ["SPATIAL_INDEX=NO"]
    writer = QgsVectorFileWriter.create(path, source.fields(), source.wkbType(), source.sourceCrs(),
                                        context.transformContext(), options)
    if writer.hasError() == QgsVectorFileWriter.NoError:
        for feature in source.getFeatures():
            writer.addFeature(feature)
    error, message = writer.hasError(), writer.errorMessage()
    del writer
    if error != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(text(
            f"The layer {name} could not be written to {path} for cpts: {message}",
            f"La couche {name} n'a pas pu être écrite dans {path} pour cpts : {message}",
        ))
    feedback.pushInfo(text(f"{name} written to {path} for cpts", f"{name} écrite dans {path} pour cpts"))
    return InputFile(path, name)


def _is_file(value):
    """Whether `value` names a file: a path, or `FILE.gpkg:LAYER`."""
    return os.path.isfile(value) or bool(re.match(r"^(.*\.gpkg):[^:\\/]+$", value, re.I)
                                          and os.path.isfile(value.rsplit(":", 1)[0]))


def _stem(path):
    return os.path.splitext(os.path.basename(path.split(".gpkg:")[0]))[0]
