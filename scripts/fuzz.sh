#!/usr/bin/env bash
# Fuzzes every reader and the geometry pipeline with cargo-fuzz (libFuzzer), each target
# for SECONDS (default 600), one after the other, and prints how many inputs each tried.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Seeds come from fixtures/ and, when present, ../shared/data (small slices, never
# committed): fuzz/corpus/TARGET. A crash lands in fuzz/artifacts/TARGET/; keep it as a
# regression test in tests/fuzz_regressions.rs once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(communes perimeter_layer membership_table population_table spreadsheet pipeline shapefile geopackage flatgeobuf)
shared=${CPTS_SHARED_DATA:-../shared/data}

# Shapefile, GeoPackage and FlatGeobuf seeds: the quirk communes through GDAL's ogr2ogr, if installed.
layers=$(mktemp -d)
if command -v ogr2ogr >/dev/null; then
    ogr2ogr -t_srs EPSG:2154 "$layers/communes.shp" fixtures/quirks/communes.geojson
    ogr2ogr -f GPKG -t_srs EPSG:2154 "$layers/communes.gpkg" fixtures/quirks/communes.geojson
    ogr2ogr -f FlatGeobuf -t_srs EPSG:2154 "$layers/communes.fgb" fixtures/quirks/communes.geojson
fi

python3 - "$shared" "$layers" <<'PY'
import json, os, pathlib, random, struct, sys
shared = pathlib.Path(sys.argv[1])
corpus = pathlib.Path("fuzz/corpus")
def seed(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())
def sliced(path, n, start=0):
    layer = json.load(open(path, encoding="utf-8"))
    layer["features"] = layer["features"][start:start + n]
    return json.dumps(layer, ensure_ascii=False)
seed("communes", "quirks.geojson", pathlib.Path("fixtures/quirks/communes.geojson").read_bytes())
seed("communes", "cotes-d-armor.geojson", sliced("fixtures/communes-22.geojson", 3))
seed("perimeter_layer", "names-only.geojson", pathlib.Path("fixtures/quirks/cpts-names-only.geojson").read_bytes())
seed("perimeter_layer", "cpts-22.geojson", sliced("fixtures/cpts-22.geojson", 2))
seed("membership_table", "cpts-22.csv", "".join(open("fixtures/cpts-22.csv", encoding="utf-8").readlines()[:40]))
seed("membership_table", "names.csv", "cpts_nom;statut;nom_commune;departement\nCPTS du Goëlo;ACI signé;Garde;22\n"
     "CPTS Trégor Ouest;Lettre d'intention;St-Aubin;22\nCPTS Trégor Ouest;pré-projet;Morlaix;29\n")
seed("membership_table", "codes.csv", "cpts_id,cpts_nom,statut,code_insee\nA,CPTS A,projet,22901\nB,CPTS B,signataire_aci,2902\n")
seed("spreadsheet", "listing.xlsx", b"\x00" + pathlib.Path("fixtures/quirks/cpts-listing.xlsx").read_bytes())
seed("spreadsheet", "listing.ods", b"\x01" + pathlib.Path("fixtures/quirks/cpts-listing.ods").read_bytes())
# A listing with one stray cell at XFD1048576 (scripts/make_sparse_xlsx.py): the sheet's
# dimensions are what the target stretches.
import subprocess, tempfile
with tempfile.TemporaryDirectory() as d:
    subprocess.run(["python3", "scripts/make_sparse_xlsx.py", f"{d}/stray.xlsx", "stray"], check=True)
    seed("spreadsheet", "stray-cell.xlsx", b"\x00" + pathlib.Path(f"{d}/stray.xlsx").read_bytes())
    subprocess.run(["python3", "scripts/make_sparse_xlsx.py", f"{d}/stray.ods", "stray"], check=True)
    seed("spreadsheet", "stray-cell.ods", b"\x01" + pathlib.Path(f"{d}/stray.ods").read_bytes())
seed("population_table", "legales.csv", "CODREG;REG;CODDEP;CODARR;CODCAN;CODCOM;COM;PMUN;PCAP;PTOT\n"
     "53;Bretagne;22;1;1;901;La Garde;1000;9;1009\n53;Bretagne;22;1;1;902;Le Vieux-Bourg;2000;9;2009\n"
     "53;Bretagne;22;1;1;903;Saint-Aubin;3000;9;3009\n53;Bretagne;22;1;1;904;L'Hermitage;4000;9;4009\n"
     "53;Bretagne;22;1;1;905;Plouha;5000;9;5009\n")
seed("population_table", "base-cc.csv", "CODGEO;LIBGEO;P21_POP\n22901;La Garde;1000\n22902;Le Vieux-Bourg;2000\n"
     "22903;Saint-Aubin;3000\n22904;L'Hermitage;4000\n22905;Plouha;5000,5\n")
rng = random.Random(7)
for k in range(8):
    seed("pipeline", f"random-{k}", bytes(rng.randrange(256) for _ in range(64)))
layers = pathlib.Path(sys.argv[2])
if (layers / "communes.shp").is_file():
    parts = [(layers / f"communes.{e}").read_bytes() for e in ("shp", "shx", "prj", "dbf")]
    seed("shapefile", "quirks", struct.pack("<3I", *map(len, parts[:3])) + b"".join(parts))
if (layers / "communes.gpkg").is_file():
    seed("geopackage", "quirks.gpkg", (layers / "communes.gpkg").read_bytes())
if (layers / "communes.fgb").is_file():
    seed("flatgeobuf", "quirks.fgb", (layers / "communes.fgb").read_bytes())
if shared.is_dir():
    france = shared / "france/communes.geojson"
    if france.is_file():
        # Corsica (2A/2B codes) and the overseas départements sit at the ends of the file.
        layer = json.load(open(france, encoding="utf-8"))
        feats = layer["features"]
        picks = [f for f in feats if f["properties"].get("departement") in ("2A", "974", "976")][:4]
        layer["features"] = picks
        seed("communes", "corsica-overseas.geojson", json.dumps(layer, ensure_ascii=False))
    raw06 = shared / "real06/cpts06_raw.geojson"
    if raw06.is_file():
        seed("perimeter_layer", "real06-raw.geojson", sliced(raw06, 1, 15))
    paca = shared / "paca_real/cpts_communes_as_published.csv"
    if paca.is_file():
        seed("membership_table", "paca.csv", b"".join(open(paca, "rb").readlines()[:30]))
PY

cd fuzz
for target in "${targets[@]}"; do
    mkdir -p "artifacts/$target"
    log="artifacts/$target.log"
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len=262144 \
        -print_final_stats=1 >"$log" 2>&1 || { echo "$target: FINDING, see fuzz/$log and fuzz/artifacts/$target/"; continue; }
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "$target: ${seconds} s, ${runs} inputs, no finding"
done
