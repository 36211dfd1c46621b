"""Issue 25's measurable targets on the code as it stands: one line per target, PASS or FAIL, and
what was measured.  Run from the repository root: ``python scripts/targets.py``.

The import layers themselves are import-linter's contracts (``lint-imports``, in scripts/check.sh)
and the docs' links and the README's size are checked by ``vsl_assets_tests/test_docs.py``; this
script measures what no check holds: cycles, sizes, hand-built storage paths and who reads the
settings.
"""

from __future__ import annotations

import ast
import re
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "vsl_assets"
sys.path.insert(0, str(REPO))

from vsl_assets_tests.layers import FRONT_ENDS, reads_current_settings  # noqa: E402

MAX_ASSET_LINES = 30
MAX_FRONT_END_LINES = 250
MAX_README_BYTES = 8 * 1024
#: Joins onto the storage root with a folder or file name of the layout (``storage/local.py``).
_HAND_BUILT = re.compile(
    r"""/ ?["'](videos|audio|transcripts|breakdowns|catalog|posters|\.checkpoints|\.web-secret)["']|"""
    r"""["'](videos|audio|transcripts|breakdowns|posters)/\{"""
)


def import_cycles() -> list[list[str]]:
    """Strongly connected sets of modules (every import, lazy ones too), Tarjan's algorithm."""
    graph = grimp.build_graph("vsl_assets", cache_dir=None)
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, []):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in modules:
        if module not in index:
            visit(module)
    return found


def assets() -> Iterator[tuple[str, int, int]]:
    """Every asset's function as Dagster loads it, in both op layouts (one op for audio and
    transcript, or two: split stages or the API engine), with its length: all its lines, and
    without its docstring."""
    import inspect

    from vsl_assets import settings
    from vsl_assets.definitions import build_definitions
    from vsl_assets.defs.assets.pipeline import build_pipeline_assets

    loaded = list(build_definitions().get_repository_def().assets_defs_by_key.values())
    two_ops = settings.current().model_copy(update={"transcriber": "openai"})
    seen: dict[str, tuple[int, int]] = {}
    for definition in [*loaded, *build_pipeline_assets(two_ops)]:
        fn = getattr(definition.op.compute_fn, "decorated_fn", None)
        if fn is None:
            continue
        source, _ = inspect.getsourcelines(fn)
        tree = ast.parse(textwrap.dedent("".join(source)))
        body = tree.body[0]
        assert isinstance(body, ast.FunctionDef)
        doc = body.body[0]
        doc_lines = (doc.end_lineno or 0) - doc.lineno + 1 if ast.get_docstring(body) else 0
        where = Path(inspect.getsourcefile(fn) or "").relative_to(REPO)
        seen[f"{where}:{fn.__name__}"] = (len(source), len(source) - doc_lines)
    for name, (total, code) in seen.items():
        yield name, total, code


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def main() -> int:
    warnings.simplefilter("ignore")  # Dagster's preview notices while the definitions load
    failed = 0

    def report(ok: bool, target: str, measured: str) -> None:
        nonlocal failed
        failed += not ok
        print(f"{'PASS' if ok else 'FAIL'}  {target}: {measured}")

    cycles = import_cycles()
    report(not cycles, "no import cycle", "; ".join(" <-> ".join(c) for c in cycles) or "none")

    sized = sorted(assets(), key=lambda a: -a[2])
    over = [f"{name} ({code})" for name, _total, code in sized if code > MAX_ASSET_LINES]
    shown = ", ".join(f"{name.split(':')[1]} {total}/{code}" for name, total, code in sized)
    report(
        not over,
        f"every asset <= ~{MAX_ASSET_LINES} lines",
        f"lines/without docstring: {shown}; over: {', '.join(over) or 'none'}",
    )

    front = sorted([*(PACKAGE / "cli").glob("*.py"), *(PACKAGE / "web" / "routers").glob("*.py")], key=lines)
    big = [f"{p.relative_to(REPO)} ({lines(p)})" for p in front if lines(p) > MAX_FRONT_END_LINES]
    longest = front[-1]
    report(
        not big,
        f"the CLI and every router <= ~{MAX_FRONT_END_LINES} lines",
        f"{len(front)} files, longest {longest.relative_to(REPO)} ({lines(longest)}); over: {', '.join(big) or 'none'}",
    )

    hand_built = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "storage" or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _HAND_BUILT.search(line):
                hand_built.append(f"{path.relative_to(REPO)}:{number}")
    report(not hand_built, "no storage path built by hand outside the layout", ", ".join(hand_built) or "none")

    readers: dict[str, list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if found := reads_current_settings(path):
            readers[str(path.relative_to(PACKAGE))] = found
    below = {p: n for p, n in readers.items() if p.split("/")[0].removesuffix(".py") not in (*FRONT_ENDS, "settings")}
    shown = ", ".join(f"{p}:{','.join(map(str, n))}" for p, n in readers.items())
    report(not below, "settings.current() only in the front ends", f"{len(readers)} files: {shown}")

    size = (REPO / "README.md").stat().st_size
    report(size <= MAX_README_BYTES, "README <= ~8 KB", f"{size} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
