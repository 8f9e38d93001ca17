"""Measure the package's structure and draw it: `make architecture`.

    python docs/architecture.py          # write docs/figures/architecture.png and the tables
    python docs/architecture.py --check  # exit 1 if the tables in docs/architecture.md are stale

Everything is read from the source with `ast` (no module is imported): which module imports
which (at the top or inside a function), the lines of every module, the lines of every
class, and the trusted base of the checker (every module reachable by imports from
`verifier.checker`, and the outside packages they import). The tables go between the
`<!-- generated:NAME -->` and `<!-- end:NAME -->` markers of docs/architecture.md.
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "verifier"
PAGE = ROOT / "docs" / "architecture.md"
PICTURE = ROOT / "docs" / "figures" / "architecture.png"
# the layers, top to bottom, as the layers contract in pyproject.toml orders them; a row
# could hold layers that do not import each other
ROWS = [("apps",), ("claims",), ("decision",), ("evidence",), ("checker",), ("encoding",),
        ("semantics",), ("model",)]
SOLVERS = {"z3", "cvc5", "yices", "yices_api"}


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: set) -> tuple[set, set]:
    """(modules of the package, outside top-level packages) that ``name`` imports anywhere
    in its file."""
    inside, outside = set(), set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.split(".")[0] == "verifier" else outside).add(
                    alias.name if alias.name.split(".")[0] == "verifier"
                    else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if target.split(".")[0] != "verifier":
                outside.add(target.split(".")[0])
                continue
            for alias in node.names:  # `from . import smt` names a module
                full = f"{target}.{alias.name}"
                inside.add(full if full in known else target)
    return {m for m in inside if m in known and m != name}, outside


def layer(module: str) -> str:
    """The layer of a module: its subpackage, or the top level ("errors", "moved", ...)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and
                                          (PACKAGE / parts[1]).is_dir()) else "top"


def measure() -> dict:
    """Every figure the page shows."""
    mods = modules()
    known = set(mods)
    graph, external, lines, classes = {}, {}, {}, []
    for name, path in mods.items():
        graph[name], external[name] = imports(name, path, known)
        text = path.read_text()
        lines[name] = text.count("\n")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                classes.append((node.end_lineno - node.lineno + 1, f"{name}.{node.name}"))
    trusted, todo = set(), [m for m in mods if layer(m) == "checker"]
    while todo:
        m = todo.pop()
        if m not in trusted:
            trusted.add(m)
            todo.extend(graph[m])
    return {"graph": graph, "external": external, "lines": lines,
            "classes": sorted(classes, reverse=True), "trusted": trusted}


def tables(data: dict) -> dict[str, str]:
    """The markdown tables, by marker name."""
    lines, graph = data["lines"], data["graph"]
    by_layer: dict[str, list] = {}
    for m in sorted(lines):
        by_layer.setdefault(layer(m), []).append(m)
    rows = ["| layer | modules | lines | imports from the layers |", "|---|---|---|---|"]
    for name in [n for row in ROWS for n in row] + ["top"]:
        mods = by_layer.get(name, [])
        uses = sorted({layer(t) for m in mods for t in graph[m]} - {name})
        outside = sorted({p for m in mods for p in data["external"][m]} & (SOLVERS | {"sympy"}))
        rows.append(f"| `{name}` | {len(mods)} | {sum(lines[m] for m in mods)} | "
                    f"{', '.join(uses) or '-'}{'; ' + ', '.join(outside) if outside else ''} |")
    largest = ["| module | lines |", "|---|---|"] + [
        f"| `{m}` | {n} |" for n, m in sorted(((n, m) for m, n in lines.items()),
                                               reverse=True)[:8]]
    largest += ["", "| class | lines |", "|---|---|"] + [
        f"| `{c}` | {n} |" for n, c in data["classes"][:6]]
    trusted = sorted(data["trusted"])
    outside = sorted({p for m in trusted for p in data["external"][m]}
                     - set(sys.stdlib_module_names) - {"__future__"})
    std = sorted({p for m in trusted for p in data["external"][m]}
                 & set(sys.stdlib_module_names) - {"__future__"})
    base = ["| module | layer | lines |", "|---|---|---|"] + [
        f"| `{m}` | {layer(m)} | {lines[m]} |" for m in trusted]
    base += [f"| **all {len(trusted)} modules** | | **{sum(lines[m] for m in trusted)}** |", "",
             f"Outside packages it imports: {', '.join(outside) or 'none'}; "
             f"standard library: {', '.join(std)}. Solvers among them: "
             f"{', '.join(sorted(SOLVERS & set(outside))) or 'none'}."]
    moved = ["| old | new |", "|---|---|"] + [
        f"| `verifier.{old}` | `verifier.{new}` |" for old, new in moved_modules().items()]
    return {"layers": "\n".join(rows), "sizes": "\n".join(largest), "trusted": "\n".join(base),
            "moved": "\n".join(moved)}


def moved_modules() -> dict[str, str]:
    """verifier/moved.py's table of old module names, read without importing it."""
    for node in ast.walk(ast.parse((PACKAGE / "moved.py").read_text())):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "MOVED":
            return ast.literal_eval(node.value)
    raise SystemExit("verifier/moved.py has no MOVED table")


def draw(data: dict, path: Path) -> None:
    """The layers as boxes (modules and lines inside), imports between layers as arrows
    labelled with their count, and the solvers to the side with the layers that import them."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    lines, graph = data["lines"], data["graph"]
    boxes, height = {}, 1.25
    fig, ax = plt.subplots(figsize=(11, 13.5))
    for r, row in enumerate(ROWS):
        y = (len(ROWS) - 1 - r) * (height + 0.6)
        width = 7.6 / len(row)
        for c, name in enumerate(row):
            x = c * (width + 0.4)
            boxes[name] = (x, y, width, height)
            mods = sorted(m for m in lines if layer(m) == name)
            trusted = name == "checker"
            ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.05",
                                        facecolor="#d9f2d9" if trusted else "#eef2f8",
                                        edgecolor="#2e7d32" if trusted else "#4a5a78",
                                        linewidth=2.2 if trusted else 1.2, zorder=2,
                                        alpha=0.93))
            title = f"{name}  ({sum(lines[m] for m in mods)} lines)" + \
                ("  - trusted checker" if trusted else "")
            ax.text(x + 0.1, y + height - 0.12, title, va="top", fontsize=10, weight="bold",
                    zorder=3)
            names = [f"{m.rpartition('.')[2]} {lines[m]}" for m in mods
                     if m != f"verifier.{name}"]
            rows, room = [[]], int(width * 12.5)  # about 12 monospace characters per unit
            for label in names:
                if rows[-1] and len("   ".join(rows[-1] + [label])) > room:
                    rows.append([])
                rows[-1].append(label)
            for k, row in enumerate(rows):
                ax.text(x + 0.1, y + height - 0.45 - 0.2 * k, "   ".join(row), va="top",
                        fontsize=7.5, family="monospace", zorder=3)
    order = [n for row in ROWS for n in row]
    counts = Counter((layer(a), layer(b)) for a in graph for b in graph[a]
                     if layer(a) in boxes and layer(b) in boxes and layer(a) != layer(b))
    for (a, b), n in counts.items():
        xa, ya, wa, _ = boxes[a]
        xb, yb, wb, hb = boxes[b]
        upward = order.index(b) < order.index(a) and yb != ya  # a lower layer imports a higher
        start = (xa + wa * (0.1 + 0.8 * order.index(b) / len(order)), ya)
        end = (xb + wb * (0.1 + 0.8 * order.index(a) / len(order)), yb + hb)
        if ya == yb:  # same row: side by side
            start, end = (xa + wa, ya + 0.3), (xb, yb + 0.3)
        if upward:
            start, end = (start[0], ya + hb), (end[0], yb)
        colour = "#c62828" if upward else "#7a869a"
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10,
                                     color=colour, linewidth=1.6 if upward else 0.8,
                                     zorder=1))
        ax.text(end[0] + 0.04, end[1] + (0.05 if not upward else -0.2), str(n), fontsize=7,
                color=colour, zorder=3)
    users = sorted({layer(m) for m, ext in data["external"].items() if ext & SOLVERS})
    sx, sy = 8.6, boxes["encoding"][1] + 1.6
    ax.add_patch(FancyBboxPatch((sx, sy), 1.5, 0.8, boxstyle="round,pad=0.05",
                                facecolor="#fde8e8", edgecolor="#b71c1c"))
    ax.text(sx + 0.75, sy + 0.4, "Z3, cvc5,\nYices", ha="center", va="center", fontsize=9)
    for name in users:
        x, y, w, h = boxes[name]
        ax.add_patch(FancyArrowPatch((x + w, y + h / 2), (sx, sy + 0.4), arrowstyle="-|>",
                                     mutation_scale=10, color="#b71c1c", linewidth=0.8,
                                     linestyle="--"))
    ax.set_xlim(-0.3, 10.4)
    ax.set_ylim(-0.4, len(ROWS) * (height + 0.6))
    ax.axis("off")
    ax.set_title("rov: layers (a layer imports only those below it), module sizes in lines;\n"
                 "an arrow is an import between layers, labelled with the number of module "
                 "pairs (red: upward)",
                 fontsize=11)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def updated(page: str, generated: dict[str, str]) -> str:
    """The page with each marked table replaced."""
    for name, table in generated.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- end:{name} -->)", re.S)
        if not pattern.search(page):
            raise SystemExit(f"docs/architecture.md has no <!-- generated:{name} --> marker")
        page = pattern.sub(lambda m: m.group(1) + table + "\n" + m.group(2), page)
    return page


def main(argv: list) -> int:
    data = measure()
    page = PAGE.read_text()
    new = updated(page, tables(data))
    if "--check" in argv:
        if new != page:
            print("docs/architecture.md is stale: run `make architecture`")
            return 1
        return 0
    PAGE.write_text(new)
    draw(data, PICTURE)
    print(f"wrote {PAGE.relative_to(ROOT)} and {PICTURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
