"""The Processing provider `cpts`: the algorithms, and the setting of the executable's path
(Processing › Options › Providers › CPTS coverage)."""

import os

from processing.core.ProcessingConfig import ProcessingConfig, Setting
from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import executable
from .algorithms import ALGORITHMS
from .language import text

ICON = os.path.join(os.path.dirname(__file__), "icon.svg")


class CptsProvider(QgsProcessingProvider):
    """The algorithms running the cpts executable."""

    def id(self):
        return "cpts"

    def name(self):
        return "CPTS coverage"

    def longName(self):
        return text("CPTS coverage (cpts executable)", "Couverture des CPTS (exécutable cpts)")

    def icon(self):
        return QIcon(ICON)

    def svgIconPath(self):
        return ICON

    def load(self):
        ProcessingConfig.settingIcons[self.name()] = self.icon()
        ProcessingConfig.addSetting(Setting(
            self.name(),
            executable.SETTING,
            text("cpts executable (empty: the cpts found on PATH)",
                 "Exécutable cpts (vide : le cpts trouvé dans le PATH)"),
            "",
            valuetype=Setting.FILE,
        ))
        ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        ProcessingConfig.removeSetting(executable.SETTING)

    def loadAlgorithms(self):
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())
