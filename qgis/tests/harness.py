"""What the plugin's tests share: a headless QGIS with the plugin's provider, the cpts
executable under test (CPTS_BIN, else the cpts on PATH), the fixtures, and runs of the
command line to compare with. Run the tests with Debian's Python: /usr/bin/python3.
"""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLUGINS = os.path.join(ROOT, "qgis")
FIXTURES = os.path.join(ROOT, "fixtures")
COMMUNES = os.path.join(FIXTURES, "communes-22.geojson")
PERIMETERS = os.path.join(FIXTURES, "cpts-22.geojson")
SHARED = os.path.join(ROOT, "..", "shared", "data")
CPTS = os.environ.get("CPTS_BIN") or shutil.which("cpts")
if CPTS is None:
    sys.exit("no cpts to test: set CPTS_BIN to the executable, or put cpts on PATH")
CPTS = os.path.abspath(CPTS)


def scratch():
    """A new temporary folder, removed at exit."""
    folder = tempfile.mkdtemp(prefix="cpts-qgis-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def environment(home):
    """The environment of a QGIS process under test: its profile in `home`, the plugin of
    qgis/ found, cpts under test first on PATH."""
    env = dict(os.environ)
    runtime = os.path.join(home, "runtime")
    os.makedirs(runtime, mode=0o700, exist_ok=True)
    env.update(
        HOME=home,
        XDG_RUNTIME_DIR=runtime,
        QGIS_PLUGINPATH=PLUGINS,
        PATH=os.path.dirname(CPTS) + os.pathsep + env.get("PATH", ""),
    )
    return env


def qgis_process():
    """Debian's qgis_process runner. Its wrapper script passes `--noversioncheck`, which
    the 3.22 runner refuses, so the binary beside it is preferred."""
    return shutil.which("qgis_process.bin") or shutil.which("qgis_process")


def cli(*args):
    """Runs the cpts command line; fails the test on a status other than 0."""
    done = subprocess.run([CPTS, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError(f"cpts {' '.join(args)}: {done.returncode}\n{done.stderr}")
    return done


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def start_qgis(profile=None, gui=False):
    """A headless QgsApplication (with widgets when `gui`) with Processing and the plugin's
    provider (from qgis/ of the repository unless `profile` is given: then nothing but
    Processing), cpts under test set as the provider's executable."""
    from qgis.core import QgsApplication

    app = QgsApplication([], gui, profile or os.path.join(scratch(), "profile"))
    app.initQgis()
    # Processing, and the plugin manager's own unzipping (pyplugin_installer).
    sys.path[:0] = [os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"),
                    os.path.join(QgsApplication.pkgDataPath(), "python")]
    from processing.core.Processing import Processing

    Processing.initialize()
    if profile is None:
        sys.path.insert(0, PLUGINS)
        import cpts_coverage

        app.cpts_plugin = cpts_coverage.classFactory(None)
        app.cpts_plugin.initProcessing()
        set_executable(CPTS)
    return app


def set_executable(path):
    """Sets the provider's executable setting."""
    from processing.core.ProcessingConfig import ProcessingConfig

    from cpts_coverage.executable import SETTING

    ProcessingConfig.setSettingValue(SETTING, path)
