#!/usr/bin/env python3
"""Engine of scripts/bench.sh: runs the timings and prints the Markdown tables.

Run scripts/bench.sh, which installs what is missing, starts the throwaway PostgreSQL
cluster and tears it down; this file only measures. Standard library only.

Every figure is one whole process, as a user runs it:
- wall time: time.perf_counter() around the process (fork to exit);
- peak RSS: `/usr/bin/time -f %M`, i.e. the kernel's ru_maxrss of the process, which for
  a process tree (the PostGIS driver starting psql and ogr2ogr) is the largest single
  process of the tree, not a sum;
- PostGIS server memory: the server's processes are not children of the timed command,
  so /usr/bin/time cannot see them. They are sampled every 50 ms during one untimed run
  (the warm-up; with --runs 1 the timed run): the sum of Pss over the postmaster and all
  its children (/proc/PID/smaps_rollup), shared memory split between the processes that
  touched it. Spikes shorter than 50 ms are missed.
Runs of the tools compared are alternated (A B C, A B C, ...) so that a noisy machine
hurts them alike, and ratios are taken pair by pair within one round, then the median.
"""
import argparse
import csv
import json
import os
import re
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time

SAMPLE_EVERY = 0.05  # seconds between two samples of the PostGIS server's memory


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Measuring one process


class ServerMemory:
    """Summed PSS (MiB) of a PostgreSQL cluster's processes: the postmaster and its children."""

    def __init__(self, pg_data):
        with open(os.path.join(pg_data, "postmaster.pid")) as f:
            self.postmaster = int(f.readline())

    def _children(self):
        path = f"/proc/{self.postmaster}/task/{self.postmaster}/children"
        if os.path.exists(path):
            with open(path) as f:
                return [int(p) for p in f.read().split()]
        kids = []
        for p in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{p}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == self.postmaster:
                        kids.append(int(p))
            except (OSError, IndexError, ValueError):
                pass
        return kids

    def mib(self):
        total_kb = 0
        for pid in [self.postmaster] + self._children():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            total_kb += int(line.split()[1])
                            break
            except OSError:  # a worker that exited between the listing and the read
                pass
        return total_kb / 1024


def run(cmd, log_path, server=None):
    """Run cmd once: (wall s, peak RSS MiB, peak server PSS MiB or None). Exits on failure."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", dir=os.path.dirname(log_path)) as t, \
            open(log_path, "w") as out:
        peak = None
        start = time.perf_counter()
        # Its own process group, so that an interrupted benchmark leaves no tool running.
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", t.name] + cmd,
                             stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            if server is None:
                p.wait()
            else:
                peak = server.mib()
                while True:
                    try:
                        p.wait(timeout=SAMPLE_EVERY)
                        break
                    except subprocess.TimeoutExpired:
                        peak = max(peak, server.mib())
        except BaseException:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            raise
        wall = time.perf_counter() - start
        if p.returncode:
            out.close()
            with open(log_path) as f:
                tail = f.read()[-3000:]
            sys.exit(f"bench: this command failed (exit {p.returncode}):\n  {' '.join(cmd)}\n{tail}")
        rss = int(t.read().split()[-1]) / 1024
    return wall, rss, peak


# ---------------------------------------------------------------------------------------
# The tools


class Bench:
    def __init__(self, a):
        self.a = a
        self.cpts = a.cpts
        self.work = a.work
        self.peer = a.peer_dir
        help_text = subprocess.run([self.cpts, "analyze", "--help"], capture_output=True, text=True).stdout
        # The on-disk cache is not built yet: when it lands, cold runs say --no-cache and the
        # warm row fills a cache of its own in the work directory.
        self.has_cache = "--no-cache" in help_text
        self.server = ServerMemory(a.pg_data) if a.postgis else None
        self.tools = ["cpts"] + (["geopandas"] if a.geopandas else []) + (["postgis"] if a.postgis else [])
        self.counter = 0
        self.server_peak = {}  # label -> peak summed PSS (MiB) of the PostGIS server during one run
        self.logs = {}  # (label, variant) -> the logs of its timed runs
        self.idle_server = None  # summed PSS (MiB) of the idle cluster, just before that run

    def argv(self, tool, inputs, out, extra=()):
        common = ["--communes", inputs["communes"], "--perimeters", inputs["perimeters"]]
        if inputs.get("arrondissements"):
            common += ["--arrondissements", inputs["arrondissements"]]
        if tool == "cpts":
            cache = ["--no-cache"] if self.has_cache and "--cache-dir" not in extra else []
            return [self.cpts, "analyze", "-q"] + common + ["--out", out, "--force"] + cache + list(extra)
        if tool == "geopandas":
            return [self.a.geopandas, os.path.join(self.peer, "oracle_geopandas.py")] + common + ["--out", out]
        if tool == "postgis":
            return [sys.executable, os.path.join(self.peer, "oracle_postgis.py")] + common + ["--out", out]
        raise ValueError(tool)

    def rounds(self, label, variants, runs, warmup=False, sample_server=False):
        """Alternate the variants (name -> argv) round by round; name -> list of (wall, rss, server)."""
        res = {name: [] for name in variants}
        plan = ([True] if warmup else []) + [False] * runs
        for i, is_warmup in enumerate(plan):
            for name, cmd in variants.items():
                self.counter += 1
                sample = sample_server and name == "postgis" and i == 0
                if sample:
                    self.idle_server = self.server.mib()
                log_path = os.path.join(self.work, "logs", f"{self.counter:04d}-{name}.log")
                wall, rss, srv = run(cmd, log_path, self.server if sample else None)
                tag = "warm-up" if is_warmup else f"run {i + 1 - warmup}/{runs}"
                log(f"  {label}, {tag}: {name:10} {wall:7.2f} s {rss:7.0f} MiB"
                    + (f", server {srv:.0f} MiB" if srv is not None else ""))
                if sample:
                    self.server_peak[label] = srv
                if not is_warmup:
                    res[name].append((wall, rss, srv))
                    self.logs.setdefault((label, name), []).append(log_path)
        return res


# ---------------------------------------------------------------------------------------
# Extracts for cost versus size


def build_extracts(data, work, levels):
    """Write one département's and one region's communes (and their arrondissements, and the
    world1 CPTS that list at least one of their units) into work/extracts/NAME/."""
    with open(os.path.join(data, "france", "communes.geojson"), encoding="utf-8") as f:
        communes = json.load(f)
    with open(os.path.join(data, "france", "arrondissements.geojson"), encoding="utf-8") as f:
        arrondissements = json.load(f)
    with open(os.path.join(data, "world1", "cpts.geojson"), encoding="utf-8") as f:
        perimeters = json.load(f)
    with open(os.path.join(data, "world1", "cpts_communes.csv"), encoding="utf-8", newline="") as f:
        members = [(r["cpts_id"], r["code_insee"]) for r in csv.DictReader(f, delimiter=";")]

    def write(path, collection, features):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(dict(collection, features=features), f, ensure_ascii=False, separators=(",", ":"))

    extracts = []
    for level, code in levels:
        feats = [c for c in communes["features"] if c["properties"][level] == code]
        if not feats:
            sys.exit(f"bench: no commune has {level} = {code}")
        codes = {c["properties"]["code"] for c in feats}
        arms = [a for a in arrondissements["features"] if a["properties"]["commune"] in codes]
        units = codes | {a["properties"]["code"] for a in arms}
        ids = {cid for cid, code_insee in members if code_insee in units}
        pers = [p for p in perimeters["features"] if p["properties"]["id"] in ids]
        d = os.path.join(work, "extracts", f"{level}-{code}")
        os.makedirs(d)
        inputs = {"communes": os.path.join(d, "communes.geojson"), "perimeters": os.path.join(d, "cpts.geojson")}
        write(inputs["communes"], communes, feats)
        write(inputs["perimeters"], perimeters, pers)
        if arms:
            inputs["arrondissements"] = os.path.join(d, "arrondissements.geojson")
            write(inputs["arrondissements"], arrondissements, arms)
        extracts.append({"name": f"{'département' if level == 'departement' else 'region'} {code}",
                         "communes": len(feats), "arrondissements": len(arms), "cpts": len(pers),
                         "inputs": inputs})
        log(f"  extract {level} {code}: {len(feats)} communes, {len(arms)} arrondissements, {len(pers)} CPTS")
    national = {"name": "France (world1)", "communes": len(communes["features"]),
                "arrondissements": len(arrondissements["features"]), "cpts": len(perimeters["features"])}
    return extracts, national


# ---------------------------------------------------------------------------------------
# Formatting


STAGE_LINE = re.compile(r"^\[\s*([0-9.]+)s\] (.+)$")


def stage_medians(logs):
    """Median seconds of each stage over the runs' `-v` logs, in the order of the stages."""
    per_stage = {}
    for path in logs:
        with open(path) as f:
            marks = [(m.group(2), float(m.group(1))) for m in map(STAGE_LINE.match, f) if m]
        for (stage, start), (_, end) in zip(marks, marks[1:]):
            per_stage.setdefault(stage, []).append(end - start)
    return {stage: med(values) for stage, values in per_stage.items()}


def amdahl_table(one, two):
    """Stage by stage: times on 1 and 2 threads, the parallel fraction p that Amdahl's law
    gives from their ratio (S = 1 / ((1 - p) + p / 2), so p = 2 (1 - T2 / T1)), and the
    time p predicts on 8 and 16 cores."""
    def predicted(t1, p, cores):
        return t1 * ((1 - p) + p / cores)

    lines = ["| stage, world1 polygon mode (medians) | 1 thread | 2 threads | speed-up | parallel fraction p "
             "| predicted, 8 cores | predicted, 16 cores |", "|---|---|---|---|---|---|---|"]
    totals = [0.0, 0.0, 0.0, 0.0]
    for stage, t1 in one.items():
        t2 = two.get(stage, t1)
        p = min(1.0, max(0.0, 2 * (1 - t2 / t1))) if t1 > 0 else 0.0
        p8, p16 = predicted(t1, p, 8), predicted(t1, p, 16)
        for i, v in enumerate((t1, t2, p8, p16)):
            totals[i] += v
        lines.append(f"| {stage} | {secs(t1)} | {secs(t2)} | {times(t1 / t2) if t2 else ''} | {p:.2f} "
                     f"| {secs(p8)} | {secs(p16)} |")
    t1, t2, p8, p16 = totals
    p = min(1.0, max(0.0, 2 * (1 - t2 / t1))) if t1 else 0.0
    lines.append(f"| all stages | {secs(t1)} | {secs(t2)} | {times(t1 / t2)} | {p:.2f} | {secs(p8)} "
                 f"({times(t1 / p8)}) | {secs(p16)} ({times(t1 / p16)}) |")
    lines += ["", "Stages as `cpts analyze -v` prints them, from the thread-scaling runs above (the process's "
              "start-up and exit are outside them). p is clipped to 0–1; the predicted times assume each stage "
              "keeps its measured p (Amdahl's law), which a memory-bound stage may not.", ""]
    return lines


def rounds_of(n, names):
    return f"{n} round{'s' if n > 1 else ''} of {', '.join(names)}"


def med(values):
    return statistics.median(values)


def secs(x):
    return f"{x:.1f} s" if x >= 10 else f"{x:.2f} s" if x >= 1 else f"{x:.3f} s"


def times(x):
    return f"{x:.1f}×" if x >= 10 else f"{x:.2f}×"


def per_1000(seconds, communes):
    ms = seconds / communes * 1e6
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def pairwise(num, den):
    """Median of the per-round ratios num/den, with their range."""
    r = [n[0] / d[0] for n, d in zip(num, den)]
    return med(r), min(r), max(r)


def ratio_cell(num, den):
    m, lo, hi = pairwise(num, den)
    return times(m) if len(num) == 1 else f"{times(m)} ({lo:.2f}–{hi:.2f})"


def machine(a):
    def out(cmd, **kw):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, **kw).stdout.strip()
        except OSError:
            return ""
    cpu = platform.machine()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / 1024 ** 2
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    lines = [
        f"- machine: {os.cpu_count()} cores ({out(['nproc'])} usable), CPU {cpu}, {mem:.0f} GiB RAM,"
        f" load average at start {load} (at end LOAD_AT_END)",
        f"- cpts: {out([a.cpts, '--version'])}, tree `{out(['git', 'describe', '--always', '--dirty'], cwd=a.root)}`"
        f" (binary copied at start)",
    ]
    if a.geopandas:
        v = out([a.geopandas, "-c", "import geopandas, pyogrio, shapely; print(f'GeoPandas {geopandas.__version__},"
                 " pyogrio {pyogrio.__version__}, Shapely {shapely.__version__}, GEOS {shapely.geos_version_string}')"])
        lines.append(f"- GeoPandas peer: {v}")
    if a.postgis:
        v = out(["psql", "-X", "-A", "-t", "-c", "SELECT 'PostgreSQL ' || current_setting('server_version') "
                 "|| ', PostGIS ' || postgis_lib_version() || ', GEOS ' || postgis_geos_version()"])
        lines.append(f"- PostGIS peer: {v}, {out(['ogr2ogr', '--version']).split(',')[0]}")
    load1 = float(load.split()[0])
    if load1 >= 0.5:
        lines.append(f"- **warning**: load average {load1:.2f} at start: other work was running on this machine, "
                     f"the figures are slower and noisier than on a quiet one")
    return lines


# ---------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cpts", required=True, help="the cpts binary")
    p.add_argument("--root", required=True, help="the cpts-coverage work tree (for git describe)")
    p.add_argument("--data", required=True, help="shared/data")
    p.add_argument("--peer-dir", required=True, help="shared/peer")
    p.add_argument("--work", required=True, help="scratch directory (outputs, logs, extracts, cache)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--geopandas", help="Python with GeoPandas and pyogrio (omit to skip the GeoPandas peer)")
    p.add_argument("--postgis", action="store_true", help="run the PostGIS peer (PG* variables set)")
    p.add_argument("--pg-data", help="data directory of the cluster (its postmaster.pid)")
    p.add_argument("--departement", default="69")
    p.add_argument("--region", default="84")
    p.add_argument("--grid", help="a synthetic national population grid (section 5; omit to skip it)")
    p.add_argument("--grid-runs", type=int, default=1, help="timed runs of section 5 (GeoPandas takes a minute)")
    p.add_argument("--grid-only", action="store_true", help="section 5 alone: skip sections 1 to 4")
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # bench.sh's clean-up stops us this way
    os.makedirs(os.path.join(a.work, "logs"), exist_ok=True)
    b = Bench(a)
    n = a.runs
    warmup = n > 1
    data = a.data
    world1 = {"communes": os.path.join(data, "france", "communes.geojson"),
              "arrondissements": os.path.join(data, "france", "arrondissements.geojson")}
    mode_files = {"polygon": "cpts.geojson", "membership": "cpts_communes.csv"}
    header = machine(a)
    # The inputs go through the page cache once, so that no tool pays for the disk alone.
    for path in [world1["communes"], world1["arrondissements"]] + [os.path.join(data, "world1", f)
                                                                      for f in mode_files.values()]:
        with open(path, "rb") as f:
            while f.read(1 << 20):
                pass

    def out(label, tool):
        return os.path.join(a.work, "out", label, tool)

    if not a.grid_only:  # sections 1 to 4
        # 1. World1, both modes, the three tools alternated.
        modes = {}
        for mode, fname in mode_files.items():
            log(f"world1, {mode} mode: {'one warm-up round, then ' if warmup else ''}{rounds_of(n, b.tools)}")
            inputs = dict(world1, perimeters=os.path.join(data, "world1", fname))
            variants = {t: b.argv(t, inputs, out(mode, t)) for t in b.tools}
            modes[mode] = b.rounds(mode, variants, n, warmup=warmup, sample_server=True)

        # 2. Thread scaling, polygon mode.
        log(f"thread scaling, polygon mode: {rounds_of(n, ['cpts --threads 1', 'cpts --threads 2'])}")
        inputs = dict(world1, perimeters=os.path.join(data, "world1", "cpts.geojson"))
        # With -v, each stage's start is printed: the stages are timed from the same runs.
        verbose = lambda argv: ["-v" if x == "-q" else x for x in argv]
        threads = b.rounds("threads", {f"--threads {k}": verbose(b.argv("cpts", inputs, out("threads", f"t{k}"),
                                                                        ["--threads", str(k)])) for k in (1, 2)}, n)
        stages = {k: stage_medians(b.logs[("threads", f"--threads {k}")]) for k in (1, 2)}

        # 3. Cost versus size, polygon mode: extracts built here, the nation taken from section 1.
        log(f"cost versus size: extracts of département {a.departement} and region {a.region}")
        extracts, national = build_extracts(data, a.work, [("departement", a.departement), ("region", a.region)])
        for e in extracts:
            log(f"{e['name']}: {rounds_of(n, b.tools)}")
            variants = {t: b.argv(t, e["inputs"], out(e["name"].replace(" ", "-"), t)) for t in b.tools}
            e["res"] = b.rounds(e["name"], variants, n)
        national["res"] = modes["polygon"]

        # 4. Warm runs, when the cache exists.
        warm = {}
        if b.has_cache:
            cache_dir = os.path.join(a.work, "cache")
            for mode, fname in mode_files.items():
                inputs = dict(world1, perimeters=os.path.join(data, "world1", fname))
                cmd = b.argv("cpts", inputs, out(f"warm-{mode}", "cpts"), ["--cache-dir", cache_dir])
                log(f"warm, {mode} mode: one run filling the cache in {cache_dir}, then {n} warm runs")
                fill = b.rounds(f"warm {mode} (filling)", {"cpts": cmd}, 1)["cpts"]
                warm[mode] = (fill, b.rounds(f"warm {mode}", {"cpts": cmd}, n)["cpts"])

    # 5. A population grid, nationally: cpts against the GeoPandas computation of the same
    #    rule (scripts/grid_reference.py), the communes alone (no arrondissements: the
    #    reference has none) and no contour-gap rule, which the reference does not apply.
    grid = None
    if a.grid:
        with open(a.grid) as f:
            cells = sum(1 for _ in f) - 1
        inputs = {"communes": world1["communes"], "perimeters": os.path.join(data, "world1", "cpts.geojson")}
        plain = ["--gap-width", "0"]
        variants = {"cpts": b.argv("cpts", inputs, out("grid", "cpts"), plain + ["--population-grid", a.grid]),
                    "cpts, communes only": b.argv("cpts", inputs, out("grid", "communes-only"), plain)}
        if a.geopandas:
            variants["geopandas"] = [a.geopandas, os.path.join(a.root, "scripts", "grid_reference.py"),
                                     "--communes", inputs["communes"], "--perimeters", inputs["perimeters"],
                                     "--grid", a.grid]
        log(f"population grid ({cells:,} cells): {rounds_of(a.grid_runs, list(variants))}")
        grid = (cells, b.rounds("grid", variants, a.grid_runs))

    # ------------------------------------------------------------------ the tables
    names = {"cpts": "cpts", "geopandas": "GeoPandas peer", "postgis": "PostGIS peer"}
    peers = ["geopandas", "postgis"]
    k = a.grid_runs if a.grid_only else n
    lines = [f"### cpts-coverage whole-process benchmark ({k} run{'s' if k > 1 else ''} per figure, medians)", ""]
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    lines += [h.replace("LOAD_AT_END", load) for h in header] + [""]
    if not a.grid_only:
        order = f"runs alternated {' / '.join(names[t] for t in b.tools)}" if len(b.tools) > 1 else "cpts alone"
        lines += [f"World1 ({national['communes']:,} communes, {national['arrondissements']} arrondissements, "
                  f"{national['cpts']} CPTS), whole process; {order}"
                  f"{', after one untimed warm-up round' if warmup else ''}; "
                  f"ratios are medians of the pairwise ratios (range in brackets).", ""]
        lines.append("| world1 | cpts | GeoPandas peer | PostGIS peer | GeoPandas / cpts | PostGIS / cpts |")
        lines.append("|---|---|---|---|---|---|")
        for mode in mode_files:
            r = modes[mode]
            cells = [secs(med(w for w, _, _ in r["cpts"]))]
            for t in peers:
                cells.append(secs(med(w for w, _, _ in r[t])) if t in r else "skipped")
            for t in peers:
                cells.append(ratio_cell(r[t], r["cpts"]) if t in r else "")
            lines.append(f"| {mode} mode, wall | " + " | ".join(cells) + " |")
            mem = [f"{med(m for _, m, _ in r['cpts']):.0f} MiB"]
            mem.append(f"{med(m for _, m, _ in r['geopandas']):.0f} MiB" if "geopandas" in r else "skipped")
            if "postgis" in r:
                mem.append(f"client {med(m for _, m, _ in r['postgis']):.0f} MiB + server "
                           f"{b.server_peak[mode]:.0f} MiB ¹")
            else:
                mem.append("skipped")
            lines.append(f"| {mode} mode, peak memory | " + " | ".join(mem) + " | | |")
        lines += ["", "Peak memory: RSS from `/usr/bin/time -f %M` (median over the runs)."
                  + (" ¹ PostGIS: *client* is the largest single process of the driver tree (Python, psql, "
                     "ogr2ogr), from `/usr/bin/time`; *server* is measured apart, because the server's "
                     "processes are not children of the timed command: the peak, over "
                     f"{'the untimed warm-up run' if warmup else 'the (only) timed run'}, of the summed PSS of the postmaster and all its backends "
                     "and workers (`/proc/PID/smaps_rollup`, sampled every 50 ms; shared buffers counted once, "
                     f"split between the processes that touched them; the idle cluster alone is about "
                     f"{b.idle_server:.0f} MiB)."
                     if a.postgis else ""), ""]

        t1, t2 = threads["--threads 1"], threads["--threads 2"]
        lines.append("| cpts thread scaling, world1 polygon mode | wall | peak memory |")
        lines.append("|---|---|---|")
        for k, r in (("1", t1), ("2", t2)):
            lines.append(f"| `--threads {k}` | {secs(med(w for w, _, _ in r))} | {med(m for _, m, _ in r):.0f} MiB |")
        lines.append(f"| speed-up, threads 1 / threads 2 | {ratio_cell(t1, t2)} | |")
        lines.append("")
        lines += amdahl_table(stages[1], stages[2])

        lines.append("| cost versus size, polygon mode | communes | CPTS | cpts | cpts per 1,000 communes "
                     "| GeoPandas peer | PostGIS peer |")
        lines.append("|---|---|---|---|---|---|---|")
        for e in extracts + [national]:
            r = e["res"]
            c = med(w for w, _, _ in r["cpts"])
            arm = f" + {e['arrondissements']} arr." if e["arrondissements"] else ""
            cells = [f"{e['communes']:,}{arm}", f"{e['cpts']}", secs(c), per_1000(c, e["communes"])]
            for t in peers:
                if t in r:
                    pm = med(w for w, _, _ in r[t])
                    cells.append(f"{secs(pm)} ({pairwise(r[t], r['cpts'])[0]:.1f}×)")
                else:
                    cells.append("skipped")
            lines.append(f"| {e['name']} | " + " | ".join(cells) + " |")
        lines += ["", f"Extracts: the communes of the département or region taken from `france/communes.geojson` "
                  f"(with their arrondissements), and only the world1 CPTS that list one of their units in "
                  f"`cpts_communes.csv` (a CPTS crossing the border comes whole); the France row is the polygon-mode "
                  f"row above. Peer cells: median (median pairwise ratio to cpts).", ""]

        if warm:
            lines.append("| cpts with its cache, world1 | first run (fills the cache) | warm runs | cold runs "
                         "(`--no-cache`) | cold / warm |")
            lines.append("|---|---|---|---|---|")
            for mode, (fill, runs_) in warm.items():
                cold = modes[mode]["cpts"]
                cm, wm = med(w for w, _, _ in cold), med(w for w, _, _ in runs_)
                lines.append(f"| {mode} mode | {secs(fill[0][0])} | {secs(wm)} | {secs(cm)} | {times(cm / wm)} |")
            lines += ["", "Cache in a fresh directory of the benchmark's own (`--cache-dir`), removed at exit."]
        else:
            lines.append("warm: not available in this build (`cpts analyze --help` lists no `--no-cache`)")
    if grid:
        cells, r = grid
        lines += [""] if lines[-1] else []  # with --grid-only, the header's blank line is the last
        lines += [f"| world1 communes with a population grid ({cells:,} cells), `--gap-width 0` | wall "
                  f"| peak memory | GeoPandas / cpts |", "|---|---|---|---|"]
        for name, label in (("cpts", "cpts `--population-grid`"), ("cpts, communes only", "cpts, communes only"),
                            ("geopandas", "GeoPandas (`scripts/grid_reference.py`)")):
            if name not in r:
                lines.append(f"| {label} | skipped | | |")
                continue
            ratio = ratio_cell(r[name], r["cpts"]) if name == "geopandas" else ""
            lines.append(f"| {label} | {secs(med(w for w, _, _ in r[name]))} "
                         f"| {med(m for _, m, _ in r[name]):.0f} MiB | {ratio} |")
        lines += ["", f"Runs alternated, {a.grid_runs} per tool; the grid made by `scripts/make_synthetic_grid.py` "
                  "from the national communes; cpts without its cache."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
