#!/usr/bin/env bash
# Whole-process benchmark of `cpts analyze` against the two reference implementations of
# ../shared/peer (GeoPandas, PostGIS), on the national world1 data set of ../shared/data
# with the arrondissements. Prints Markdown tables ready to paste into the README:
#   1. polygon and membership modes: median wall time of cpts, the GeoPandas peer and the
#      PostGIS peer (runs alternated cpts / GeoPandas / PostGIS, ratios taken pair by pair
#      within a round, then their median), and peak memory: RSS from /usr/bin/time -f %M;
#      for PostGIS the driver's (largest single client process) plus, measured apart, the
#      server's (summed PSS of the cluster's processes, sampled every 50 ms in one untimed run);
#   2. thread scaling of cpts: --threads 1 against --threads 2;
#   3. cost versus size (polygon mode): one département, one region, the nation;
#   4. warm runs with cpts's cache, when the binary has one (`--no-cache`, `--cache-dir DIR`);
#   5. with --grid: the national communes with a synthetic population grid (about 3.2
#      million cells, made once by scripts/make_synthetic_grid.py into
#      target/bench-grid-france-world1.csv, the file the criterion benchmark reads too),
#      cpts against scripts/grid_reference.py (GeoPandas), and the communes-only run;
# plus the machine (cores, CPU model, RAM, load) and the versions measured.
#
#   scripts/bench.sh [--runs N] [--quick] [--skip-geopandas] [--skip-postgis] [--no-build]
#                    [--peer-python PY] [--departement CODE] [--region CODE]
#                    [--grid] [--grid-runs N] [--grid-only] > bench.md
#
#   --runs N            timed runs per figure (default 5); with N > 1 each mode of section 1
#                       starts with one untimed warm-up round
#   --quick             --runs 1: a smoke test of every branch, not figures to quote
#   --skip-geopandas, --skip-postgis   leave a peer out (its cells read "skipped")
#   --no-build          use target/release/cpts as it is (default: cargo build --release first)
#   --peer-python PY    a Python with geopandas and pyogrio (default: the venv below, made if needed)
#   --departement CODE, --region CODE  the extracts of section 3 (default 69 and 84: Rhône and
#                       Auvergne-Rhône-Alpes, which hold Lyon and its arrondissements)
#   --grid              section 5 (the GeoPandas reference takes about a minute per run there)
#   --grid-runs N       timed runs of section 5 (default 1)
#   --grid-only         section 5 alone (implies --grid): no sections 1 to 4, no PostGIS cluster
#
# Tables on stdout, progress on stderr. Installs what is missing (Debian; as root or with
# sudo): /usr/bin/time (package `time`); for the PostGIS peer `postgresql`,
# `postgresql-N-postgis-3` and `gdal-bin` (ogr2ogr); for the GeoPandas peer a virtual
# environment /tmp/cpts-bench-venv with `geopandas pyogrio` from PyPI (kept for the next
# run; delete it at will). Everything else lives in a mktemp directory removed at exit,
# including a throwaway PostgreSQL cluster (Unix socket only, no TCP port), stopped at exit.
# A full run takes about 10 minutes on 2 cores; --quick about 2.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${CPTS_SHARED:-$root/../shared}"
runs=5 geopandas=1 postgis=1 build=1 grid=0 grid_runs=1 grid_only=0
venv=/tmp/cpts-bench-venv
peer_python="$venv/bin/python"
departement=69 region=84
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift ;;
    --quick) runs=1 ;;
    --skip-geopandas) geopandas=0 ;;
    --skip-postgis) postgis=0 ;;
    --no-build) build=0 ;;
    --peer-python) peer_python=$2; shift ;;
    --departement) departement=$2; shift ;;
    --region) region=$2; shift ;;
    --grid) grid=1 ;;
    --grid-runs) grid_runs=$2; shift ;;
    --grid-only) grid_only=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --runs wants a positive integer" >&2; exit 2; }
[[ $grid_runs =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: --grid-runs wants a positive integer" >&2; exit 2; }
# Section 5 alone: the PostGIS peer takes no part in it, so its cluster is not started.
if [ $grid_only -eq 1 ]; then grid=1 postgis=0; fi
for f in france/communes.geojson france/arrondissements.geojson world1/cpts.geojson world1/cpts_communes.csv; do
  [ -f "$shared/data/$f" ] || { echo "bench.sh: $shared/data/$f is missing (set CPTS_SHARED)" >&2; exit 1; }
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=0
apt_install() {
  echo "bench.sh: installing $* (apt-get)" >&2
  if [ $apt_updated -eq 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

[ -x /usr/bin/time ] || apt_install time

work="$(mktemp -d /tmp/cpts-bench.XXXXXX)"
pg_ctl="" engine=""
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [ -n "$engine" ] && kill -0 "$engine" 2>/dev/null; then
    kill -TERM "$engine" 2>/dev/null || true  # it kills the tool it is running
    wait "$engine" 2>/dev/null || true
  fi
  if [ -n "$pg_ctl" ] && [ -f "$work/pg/data/postmaster.pid" ]; then
    as_pg "$pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cpts: the binary is copied, so that a rebuild during the benchmark changes nothing.
if [ $build -eq 1 ]; then
  echo "bench.sh: cargo build --release" >&2
  cargo build --release -q --manifest-path "$root/Cargo.toml"
fi
[ -x "$root/target/release/cpts" ] || { echo "bench.sh: no $root/target/release/cpts (drop --no-build)" >&2; exit 1; }
cp "$root/target/release/cpts" "$work/cpts"

# The GeoPandas peer: a throwaway virtual environment.
engine_args=()
if [ $geopandas -eq 1 ]; then
  if ! "$peer_python" -c 'import geopandas, pyogrio' 2>/dev/null; then
    [ "$peer_python" = "$venv/bin/python" ] || { echo "bench.sh: $peer_python has no geopandas/pyogrio" >&2; exit 1; }
    echo "bench.sh: making $venv (pip install geopandas pyogrio)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q geopandas pyogrio >&2
  fi
  engine_args+=(--geopandas "$peer_python")
fi

# The PostGIS peer: a throwaway cluster in $work, reached by its Unix socket only.
if [ $postgis -eq 1 ]; then
  pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
  if [ -z "$(pg_bin)" ] || ! command -v psql >/dev/null; then apt_install postgresql; fi
  pg_version="$(basename "$(dirname "$(pg_bin)")")"
  if ! ls /usr/share/postgresql/"$pg_version"/extension/postgis.control >/dev/null 2>&1; then
    apt_install "postgresql-$pg_version-postgis-3"
  fi
  command -v ogr2ogr >/dev/null || apt_install gdal-bin
  pg_ctl="$(pg_bin)/pg_ctl"
  mkdir -p "$work/pg/sock"
  if [ "$(id -u)" -eq 0 ]; then chmod 755 "$work"; chown -R postgres: "$work/pg"; fi
  as_pg "$(pg_bin)/initdb" -D "$work/pg/data" -U postgres --auth=trust --locale=C.UTF-8 >/dev/null
  # The settings of PEER-POSTGIS.md (shared_buffers capped at a quarter of the RAM).
  ram_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
  shared_buffers=$(( ram_mb / 4 < 2048 ? ram_mb / 4 : 2048 ))
  cat >> "$work/pg/data/postgresql.conf" <<EOF
listen_addresses = ''
port = 54329
unix_socket_directories = '$work/pg/sock'
shared_buffers = ${shared_buffers}MB
work_mem = 256MB
maintenance_work_mem = 1GB
max_parallel_workers_per_gather = 2
jit = off
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
EOF
  as_pg "$pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w start >/dev/null
  export PGHOST="$work/pg/sock" PGPORT=54329 PGUSER=postgres PGDATABASE=postgres
  psql -X -q -c 'SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis' >/dev/null
  engine_args+=(--postgis --pg-data "$work/pg/data")
fi

# Section 5's grid, made once (a few minutes) with the peer's Python (shapely, pyproj).
if [ $grid -eq 1 ]; then
  grid_file="$root/target/bench-grid-france-world1.csv"
  if [ ! -f "$grid_file" ]; then
    echo "bench.sh: making $grid_file (scripts/make_synthetic_grid.py)" >&2
    "$peer_python" "$root/scripts/make_synthetic_grid.py" "$shared/data/france/communes.geojson" "$grid_file.part" >&2
    mv "$grid_file.part" "$grid_file"
  fi
  engine_args+=(--grid "$grid_file" --grid-runs "$grid_runs")
  [ $grid_only -eq 0 ] || engine_args+=(--grid-only)
fi

start=$(date +%s)
# In the background and waited for, so that an interruption reaches the trap at once.
python3 "$root/scripts/bench.py" --cpts "$work/cpts" --root "$root" --data "$shared/data" \
  --peer-dir "$shared/peer" --work "$work" --runs "$runs" \
  --departement "$departement" --region "$region" "${engine_args[@]}" &
engine=$!
wait "$engine"
echo "bench.sh: done in $(( $(date +%s) - start )) s" >&2
