"""The zip of scripts/package_qgis_plugin.py installs into a clean QGIS profile: unpacked
into its python/plugins folder as the plugin manager's "Install from ZIP" does, then loaded
and started, it registers the provider `cpts` with its five algorithms."""

import filecmp
import os
import subprocess
import sys
import unittest
import zipfile

import harness

PROFILE = os.path.join(harness.scratch(), "profiles", "clean")
APP = harness.start_qgis(PROFILE)

import qgis.utils  # noqa: E402
from pyplugin_installer.unzip import unzip  # noqa: E402
from qgis.core import QgsApplication  # noqa: E402


def package(path):
    subprocess.run([sys.executable, os.path.join(harness.ROOT, "scripts", "package_qgis_plugin.py"), path],
                   check=True, capture_output=True)


class Install(unittest.TestCase):
    def test_the_zip_is_the_same_from_run_to_run(self):
        folder = harness.scratch()
        first, second = os.path.join(folder, "a.zip"), os.path.join(folder, "b.zip")
        package(first)
        package(second)
        self.assertTrue(filecmp.cmp(first, second, shallow=False))
        with zipfile.ZipFile(first) as archive:
            names = archive.namelist()
            self.assertEqual(names, sorted(names))
            self.assertTrue(all(name.startswith("cpts_coverage/") for name in names))
            self.assertIn("cpts_coverage/metadata.txt", names)
            self.assertIn("cpts_coverage/LICENSE", names)
            self.assertFalse(any("__pycache__" in name or name.endswith(".pyc") for name in names))

    def test_the_zip_installs_into_a_clean_profile(self):
        self.assertIsNone(QgsApplication.processingRegistry().providerById("cpts"))
        plugins = os.path.join(QgsApplication.qgisSettingsDirPath(), "python", "plugins")
        self.assertTrue(plugins.startswith(PROFILE))
        self.assertFalse(os.path.exists(os.path.join(plugins, "cpts_coverage")))
        archive = os.path.join(harness.scratch(), "cpts_coverage.zip")
        package(archive)
        unzip(archive, plugins)
        sys.path.insert(0, plugins)
        qgis.utils.plugin_paths = [plugins]
        qgis.utils.updateAvailablePlugins()
        self.assertEqual(qgis.utils.available_plugins, ["cpts_coverage"])
        self.assertEqual(qgis.utils.pluginMetadata("cpts_coverage", "name"), "CPTS coverage")
        self.assertEqual(qgis.utils.pluginMetadata("cpts_coverage", "hasProcessingProvider"), "yes")
        self.assertTrue(qgis.utils.loadPlugin("cpts_coverage"))
        self.assertTrue(qgis.utils.startPlugin("cpts_coverage"))
        self.assertTrue(qgis.utils.plugins["cpts_coverage"].__module__.startswith("cpts_coverage"))
        self.assertTrue(sys.modules["cpts_coverage"].__file__.startswith(plugins))
        provider = QgsApplication.processingRegistry().providerById("cpts")
        self.assertIsNotNone(provider)
        self.assertEqual(provider.name(), "CPTS coverage")
        self.assertEqual(sorted(a.id() for a in provider.algorithms()),
                         ["cpts:analyze", "cpts:check", "cpts:diff", "cpts:plan", "cpts:validate"])
        self.assertTrue(qgis.utils.unloadPlugin("cpts_coverage"))
        self.assertIsNone(QgsApplication.processingRegistry().providerById("cpts"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
