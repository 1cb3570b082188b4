#!/usr/bin/env bash
# Runs cpts on the national world1 data set (../shared/data) in both modes and compares
# each summary.json with the reference figures of the GeoPandas peer
# (../shared/peer/compare.py: rates within 1e-4, populations within 0.05 %, counts equal).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$root/../shared"
data="$shared/data"
out="$(mktemp -d)"
cargo build --release -q --manifest-path "$root/Cargo.toml"
for mode in polygon membership; do
  case $mode in
    polygon) perimeters="$data/world1/cpts.geojson" ;;
    membership) perimeters="$data/world1/cpts_communes.csv" ;;
  esac
  "$root/target/release/cpts" analyze -q --communes "$data/france/communes.geojson" \
    --arrondissements "$data/france/arrondissements.geojson" \
    --perimeters "$perimeters" --out "$out/$mode" --force
  echo "== $mode mode"
  python3 "$shared/peer/compare.py" "$out/$mode/summary.json" "$data/world1/expected-$mode/summary.json"
done
