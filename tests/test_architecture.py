"""The house rules, read from the code with `ast`: a rule broken later fails with file and line.

The layout and its reasons are in README ("Layout") and docs/decisions.md ("The house").
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "playground"
MAX_PAGE_LINES = 150
MAX_MODULE_LINES = 400

#: Which parts of playground/ each part may import (besides itself). "config" is the module
#: playground/config.py; the others are packages. Nothing imports upward: domain/ is the floor,
#: app/ and cli/ are the two front ends and import no one's front end.
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "config": {"domain"},
    "clients": {"domain", "config"},
    "history": {"domain"},
    "analysis": {"domain"},
    "emulator": {"domain"},
    "generation": {"domain", "config", "clients", "history", "emulator"},
    "review": {"domain", "history", "analysis"},
    "export": {"domain", "config", "history", "analysis"},
    "bench": {"domain", "config", "clients", "history", "generation"},
    "gateway": {"domain", "config", "clients", "history", "generation", "bench", "review"},
    "cli": {"domain", "config", "clients", "history", "generation", "analysis", "review",
            "export", "bench", "emulator", "gateway"},
    "app": {"domain", "config", "clients", "history", "generation", "analysis", "review",
            "export", "bench"},
}
#: The only modules outside the emulator that may import it: the demo runner (the one bridge
#: between clients and emulator) and the CLI subcommand that serves it.
EMULATOR_BRIDGES = {"playground/generation/demo.py", "playground/cli/emulator.py"}
STREAMLIT = ("streamlit", "streamlit_image_comparison")
#: Above history/, images are named by their SHA-256: these parts never open files themselves,
#: except for files that are not images (each with its reason).
NO_FILE_READS = ("app", "review", "analysis", "export", "generation")
FILE_READS_ALLOWED = {
    "playground/app/slider.py": "reads the vendored JuxtaposeJS it inlines",
}


@dataclass(frozen=True)
class Import:
    file: str
    line: int
    module: str


def python_files(*folders: str) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        path = ROOT / folder
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def imports_of(path: Path) -> list[Import]:
    """Every module an import statement names, with relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [Import(rel(path), node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            out.append(Import(rel(path), node.lineno, base))
            if base in ("playground", "playground.domain"):  # `from playground import catalog`
                out += [Import(rel(path), node.lineno, f"{base}.{a.name}") for a in node.names]
    return out


def part_of(module_or_file: str) -> str | None:
    """The part of playground/ a dotted module or a file belongs to (domain, clients, …)."""
    parts = module_or_file.removesuffix(".py").replace("/", ".").split(".")
    if parts[0] != "playground" or len(parts) < 2:
        return None
    return parts[1] if parts[1] != "__main__" else "cli"


def test_layers_import_only_downward() -> None:
    broken = []
    for path in python_files("playground"):
        here = part_of(rel(path))
        if here is None or here not in ALLOWED:
            continue
        for imp in imports_of(path):
            there = part_of(imp.module)
            if there is None or there == here:
                continue
            if there not in ALLOWED[here] and not (there == "emulator" and imp.file in EMULATOR_BRIDGES):
                broken.append(f"{imp.file}:{imp.line}: {here}/ imports {imp.module}")
    assert not broken, "imports across the house rules:\n" + "\n".join(broken)


def test_every_part_is_in_the_table() -> None:
    parts = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    parts |= {"config"}
    assert parts <= set(ALLOWED), f"add {sorted(parts - set(ALLOWED))} to ALLOWED"
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__", "config"}
    assert not modules, f"the root holds only config.py; move {sorted(modules)} into a package"


def test_emulator_and_clients_share_nothing_but_the_bridge() -> None:
    broken = []
    for path in python_files("playground"):
        for imp in imports_of(path):
            into_emulator = part_of(imp.module) == "emulator"
            here = part_of(rel(path))
            if into_emulator and here != "emulator" and imp.file not in EMULATOR_BRIDGES:
                broken.append(f"{imp.file}:{imp.line}: imports the emulator ({imp.module})")
            if here == "emulator" and part_of(imp.module) in ("clients", "generation"):
                broken.append(f"{imp.file}:{imp.line}: the emulator imports {imp.module}")
    assert not broken, "\n".join(broken)


def test_only_the_app_imports_streamlit() -> None:
    broken = []
    for path in python_files("playground", "benchmarks"):
        if rel(path).startswith("playground/app/"):
            continue
        for imp in imports_of(path):
            if imp.module.split(".")[0] in STREAMLIT:
                broken.append(f"{imp.file}:{imp.line}: imports {imp.module}")
    assert not broken, "Streamlit outside pages/, streamlit_app.py and playground/app/:\n" + \
        "\n".join(broken)


def test_pages_are_thin() -> None:
    long = [f"{rel(p)}: {n} lines" for p in python_files("pages", "streamlit_app.py")
            if (n := len(p.read_text().splitlines())) > MAX_PAGE_LINES]
    assert not long, f"pages over {MAX_PAGE_LINES} lines (move logic into playground/):\n" + \
        "\n".join(long)


def test_modules_are_small() -> None:
    long = [f"{rel(p)}: {n} lines" for p in python_files("playground")
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES]
    assert not long, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(long)


def test_every_package_says_what_it_holds_and_may_import() -> None:
    missing = []
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text())) or ""
        if "import" not in doc.lower():
            missing.append(f"{rel(init)}: the docstring must say what the package may import")
    assert not missing, "\n".join(missing)


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(PACKAGE)], prefix="playground.")
            if not m.name.endswith("__main__")]


def _exception_classes() -> list[tuple[str, type[BaseException], int]]:
    found = []
    for name in _modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, BaseException):
                found.append((name, cls, inspect.getsourcelines(cls)[1]))
    return found


def test_one_error_tree() -> None:
    from playground.domain.errors import PlaygroundError
    from playground.emulator.errors import EmulatorError

    broken = []
    for module, cls, line in _exception_classes():
        if cls.__name__.startswith("_"):  # private control-flow signals
            continue
        root = EmulatorError if module.startswith("playground.emulator") else PlaygroundError
        if not issubclass(cls, root):
            where = module.replace(".", "/") + ".py"
            broken.append(f"{where}:{line}: {cls.__name__} does not derive from {root.__name__}")
    assert not broken, "\n".join(broken)


def test_above_history_no_one_opens_image_files() -> None:
    broken = []
    for part in NO_FILE_READS:
        for path in python_files(f"playground/{part}"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                fn = node.func
                opens = isinstance(fn, ast.Name) and fn.id == "open"
                reads = isinstance(fn, ast.Attribute) and fn.attr in ("read_bytes", "read_text")
                if (opens or reads) and rel(path) not in FILE_READS_ALLOWED:
                    broken.append(f"{rel(path)}:{node.lineno}: {ast.unparse(fn)}()")
    from playground.domain.types import ImageFacts

    assert not hasattr(ImageFacts, "path") and "path" not in ImageFacts.__dataclass_fields__
    assert not broken, "ask the store for bytes (store.original / preview):\n" + "\n".join(broken)


def test_generate_takes_few_parameters_and_stores_nothing() -> None:
    from playground.generation import run

    assert len(inspect.signature(run.generate).parameters) <= 6
    source = inspect.getsource(run)
    assert "HistoryStore" not in source and "store" not in inspect.signature(run.generate).parameters


@pytest.mark.parametrize("folder", ["playground", "pages", "tests", "benchmarks"])
def test_comments_cite_what_a_reader_can_open(folder: str) -> None:
    """No pointers into documents outside the repository (the shared notes, issue texts)."""
    outside = ("STYLE.md", "reference §", "google-image-apis.md", "real-world-2026-12.md",
               "landscape §", "streamlit-notes")
    hits = []
    for path in python_files(folder):
        if path == Path(__file__):
            continue
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if any(mark in line for mark in outside) or _cites_an_issue(line):
                hits.append(f"{rel(path)}:{n}: {line.strip()[:90]}")
    assert not hits, "cite docs/ or a public source instead:\n" + "\n".join(hits)


def _cites_an_issue(line: str) -> bool:
    import re

    return bool(re.search(r"\bissue \d+ ?§|\(issue \d+\)|issue \d+'s", line))
