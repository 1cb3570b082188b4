#!/usr/bin/env bash
# Installs the system libraries cpts-coverage builds against, when they are missing:
# PROJ (through pkg-config, with its proj.db and datum grids), SQLite (GeoPackage) and
# libclang for the bindings generator of proj-sys; GDAL's command-line tools, with which
# the tests turn the fixtures into Lambert-93 Shapefiles and GeoPackages and open every
# output; Chromium, in which the tests render report.html headless; LibreOffice
# Calc, in which they open the workbook headless; and QGIS with its Python bindings, in
# which they run the Processing plugin of qgis/ headless (tests/qgis_plugin.rs).
# Debian or Ubuntu; runs apt-get as root or with sudo.
set -euo pipefail
if pkg-config --exists 'proj >= 9.1' sqlite3 2>/dev/null && ldconfig -p 2>/dev/null | grep -q libclang \
  && command -v ogr2ogr >/dev/null && command -v chromium >/dev/null && command -v soffice >/dev/null \
  && command -v qgis_process >/dev/null && /usr/bin/python3 -c 'import qgis.core' 2>/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libproj-dev proj-data libsqlite3-dev pkg-config libclang-dev clang gdal-bin chromium libreoffice-calc qgis python3-qgis qgis-providers >/dev/null
pkg-config --modversion proj
