"""The language of the plugin's texts: French when QGIS runs in French, else English."""

from qgis.core import QgsApplication


def french():
    """Whether QGIS's locale is French."""
    return QgsApplication.locale().lower().startswith("fr")


def text(en, fr):
    """`fr` when QGIS runs in French, else `en`."""
    return fr if french() else en
