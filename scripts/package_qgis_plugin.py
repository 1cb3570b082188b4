"""Packages the QGIS plugin of qgis/cpts_coverage as the zip QGIS's plugin manager
installs (Plugins › Manage and Install Plugins › Install from ZIP): the folder
cpts_coverage/ at the zip's root. The same sources give the same bytes: entries sorted,
timestamps fixed, no compiled Python.

    python3 scripts/package_qgis_plugin.py [ZIP]     # default: target/cpts_coverage-VERSION.zip
"""
import configparser
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGIN = os.path.join(ROOT, "qgis", "cpts_coverage")
EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry holds


def plugin_files():
    """The plugin's files, relative to qgis/, sorted; caches left out."""
    found = []
    for folder, dirs, files in os.walk(PLUGIN):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            if not name.endswith((".pyc", ".pyo")):
                found.append(os.path.relpath(os.path.join(folder, name), os.path.dirname(PLUGIN)))
    return sorted(found)


def version():
    """The plugin's version, from its metadata.txt."""
    metadata = configparser.ConfigParser()
    metadata.read(os.path.join(PLUGIN, "metadata.txt"), encoding="utf-8")
    return metadata["general"]["version"]


def package(zip_path):
    """Writes the zip at `zip_path`."""
    os.makedirs(os.path.dirname(os.path.abspath(zip_path)), exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in plugin_files():
            entry = zipfile.ZipInfo(relative.replace(os.sep, "/"), EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            with open(os.path.join(os.path.dirname(PLUGIN), relative), "rb") as f:
                archive.writestr(entry, f.read())


def main():
    zip_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "target", f"cpts_coverage-{version()}.zip")
    package(zip_path)
    print(zip_path)


if __name__ == "__main__":
    main()
