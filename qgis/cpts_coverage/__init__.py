"""CPTS coverage: a QGIS Processing provider running the cpts engine."""


def classFactory(iface):
    """The plugin instance QGIS loads."""
    from .plugin import CptsPlugin

    return CptsPlugin(iface)
