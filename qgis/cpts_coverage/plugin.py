"""The plugin: registers the `cpts` Processing provider with QGIS."""

from qgis.core import QgsApplication

from .provider import CptsProvider


class CptsPlugin:
    """Adds the provider when QGIS (or qgis_process) starts the plugin, removes it when
    the plugin is unloaded."""

    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        self.provider = CptsProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
