#!/usr/bin/env python3
"""The library's layout rule, checked (run by .ci/run):

- the stages are ranked, bottom to top, as LAYERS lists them; a module imports only
  from its own folder or from a stage below its own;
- no import cycle among the library's files (`crate::` and `super::` paths, comments
  left out);
- the model knows no file format and no PROJ;
- no stage holds more than a quarter of the library's lines.

Prints each breach and exits 1, or prints the stages with their sizes and exits 0.
"""

import re
import sys
from pathlib import Path

# Bottom to top. `analysis` is a file: the overlay then the zones, for one run.
LAYERS = [
    "error",
    "model",
    "geometry",
    "read",
    "harmonize",
    "load",
    "overlay",
    "zones",
    "analysis",
    "figures",
    "verbs",
    "write",
    "report",
    "pipeline",
]
# What the model may not name: file formats and PROJ.
MODEL_FORBIDDEN = re.compile(r"\b(proj|serde_json|csv|calamine|rusqlite|shapefile|flatgeobuf)::")
LARGEST_SHARE = 0.25

ROOT = Path(__file__).resolve().parent.parent / "src"
PATH = re.compile(r"\b(crate|super)((?:::[a-z_][a-z0-9_]*)+)")


def module_of(file: Path) -> tuple:
    parts = list(file.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


def code_lines(text: str):
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("//"):
            yield line


def main() -> int:
    files = sorted(f for f in ROOT.rglob("*.rs") if "bin" not in f.relative_to(ROOT).parts)
    modules = {module_of(f): f for f in files}
    sizes = {f: len(f.read_text().splitlines()) for f in files}
    graph = {m: set() for m in modules}
    for module, file in modules.items():
        for line in code_lines(file.read_text()):
            for base, rest in PATH.findall(line):
                names = rest.strip(":").split("::")
                if base == "crate":
                    path = names
                else:
                    parent = list(module[:-1])
                    while names and names[0] == "super":
                        names, parent = names[1:], parent[:-1]
                    path = parent + names
                target = None
                for n in range(len(path), 0, -1):
                    if tuple(path[:n]) in modules:
                        target = tuple(path[:n])
                        break
                if target and target != module and target[:len(module)] != module:
                    graph[module].add(target)

    breaches = []
    rank = {name: i for i, name in enumerate(LAYERS)}
    for module, targets in sorted(graph.items()):
        if not module:
            continue
        for target in sorted(targets):
            if not target or target[0] == module[0]:
                continue
            a, b = rank.get(module[0]), rank.get(target[0])
            if a is None or b is None:
                breaches.append(f"{'::'.join(module)}: stage not in LAYERS ({target[0]})")
            elif b > a:
                breaches.append(
                    f"{'::'.join(module)} imports {'::'.join(target)}, a stage above its own "
                    f"({module[0]} is below {target[0]})"
                )

    for cycle in cycles(graph):
        breaches.append("import cycle: " + " -> ".join("::".join(m) for m in cycle))

    for module, file in modules.items():
        if module and module[0] == "model":
            for line in code_lines(file.read_text()):
                if MODEL_FORBIDDEN.search(line):
                    breaches.append(f"{file.relative_to(ROOT)}: the model names a format or PROJ: {line.strip()}")

    total = sum(sizes.values())
    by_stage = {}
    for module, file in modules.items():
        stage = module[0] if module else "lib"
        by_stage[stage] = by_stage.get(stage, 0) + sizes[file]
    for stage, lines in sorted(by_stage.items()):
        if lines > LARGEST_SHARE * total:
            breaches.append(f"{stage}: {lines} of the library's {total} lines, over a quarter")

    if breaches:
        print("\n".join(breaches))
        return 1
    for stage in LAYERS:
        print(f"{stage:10} {by_stage.get(stage, 0):6} lines")
    print(f"{'library':10} {total:6} lines; no cycle, imports only downwards")
    return 0


def cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


if __name__ == "__main__":
    sys.exit(main())
