#!/usr/bin/env python3
"""Whole-process timing of `cpts analyze` against the GeoPandas peer, runs alternated.

  scripts/bench_vs_peer.py [--runs 5] [--mode polygon|membership] [--peer-python PY]

Runs the national world1 data set (../shared/data) in the chosen mode, alternating one
run of each tool, and prints for each the median wall time and peak memory (from
/usr/bin/time), and the median of the pairwise ratios peer/ours. The peer needs
GeoPandas: `python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install geopandas pyogrio`.
"""
import argparse, os, statistics, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")


def timed(cmd):
    """(wall seconds, peak RSS in MiB) of one run."""
    with tempfile.NamedTemporaryFile("r") as t:
        subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, rss = t.read().split()[-2:]
    return float(wall), int(rss) / 1024


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--mode", choices=["polygon", "membership"], default="polygon")
    p.add_argument("--peer-python", default="/tmp/peer-venv/bin/python")
    a = p.parse_args()
    data = os.path.join(SHARED, "data")
    perimeters = os.path.join(data, "world1", "cpts.geojson" if a.mode == "polygon" else "cpts_communes.csv")
    inputs = ["--communes", os.path.join(data, "france", "communes.geojson"), "--perimeters", perimeters,
              "--arrondissements", os.path.join(data, "france", "arrondissements.geojson")]
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    out = tempfile.mkdtemp()
    ours = [os.path.join(ROOT, "target", "release", "cpts"), "analyze", "-q"] + inputs + ["--out", os.path.join(out, "ours"), "--force"]
    peer = [a.peer_python, os.path.join(SHARED, "peer", "oracle_geopandas.py")] + inputs + ["--out", os.path.join(out, "peer")]
    rows = {"cpts": [], "geopandas": []}
    for i in range(a.runs):
        rows["cpts"].append(timed(ours))
        rows["geopandas"].append(timed(peer))
        print(f"run {i + 1}: cpts {rows['cpts'][-1][0]:.2f} s, geopandas {rows['geopandas'][-1][0]:.2f} s", file=sys.stderr)
    print(f"world1, {a.mode} mode, {a.runs} alternated runs, {os.cpu_count()} cores")
    for name, r in rows.items():
        print(f"  {name:10} median {statistics.median(w for w, _ in r):7.2f} s   peak {statistics.median(m for _, m in r):6.0f} MiB")
    ratios = [g[0] / c[0] for c, g in zip(rows["cpts"], rows["geopandas"])]
    print(f"  geopandas / cpts: median ratio {statistics.median(ratios):.1f}x (pairwise, min {min(ratios):.1f}, max {max(ratios):.1f})")


if __name__ == "__main__":
    main()
