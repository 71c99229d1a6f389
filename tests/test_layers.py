"""The folders are the layers: no module imports from a layer above its own (lazy imports
inside functions included), and the package root stays small."""

import ast

from conftest import REPO

ROOT = REPO / "src" / "arxiv_digest"
LAYERS = [                                   # lowest first, as the README's layout lists them
    {"errors", "__version__"},
    {"config", "models", "memo", "plugins", "http", "files", "locking", "announcements"},
    {"text"},
    {"store", "sources"},
    {"digest"},
    {"topics"},
    {"signals", "rank", "enrich"},
    {"verify"},
    {"llm"},
    {"writers"},
    {"render"},
    {"pipeline"},
    {"reader"},
    {"publish"},
    {"cli", "__main__", "__init__"},
]
LEVEL = {unit: n for n, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("arxiv_digest"):
            if node.module == "arxiv_digest":
                yield from (f"arxiv_digest.{a.name}" for a in node.names)
            else:
                yield node.module
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("arxiv_digest"))


def test_no_import_runs_up_the_layers():
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        mine = rel.parts[0].removesuffix(".py")
        assert mine in LEVEL, f"{rel}: in no layer"
        for module in imports(path):
            theirs = unit_of(module)
            assert theirs in LEVEL, f"{rel} imports {module}, in no layer"
            if LEVEL[theirs] > LEVEL[mine]:
                upward.append(f"{rel} -> {module}")
    assert upward == []


def test_no_loop_between_folders():
    """Within one layer too: no folder (or root module) imports one that imports it back,
    directly or through others."""
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        mine = path.relative_to(ROOT).parts[0].removesuffix(".py")
        graph.setdefault(mine, set()).update(
            unit_of(module) for module in imports(path) if unit_of(module) != mine)

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for unit in graph.get(todo.pop(), ()):
                if unit not in seen:
                    seen.add(unit)
                    todo.append(unit)
        return seen

    loops = sorted(f"{a} -> {b}" for a in graph for b in graph[a] if a in reachable(b))
    assert loops == []


def test_the_package_root_stays_small():
    modules = sorted(p.name for p in ROOT.glob("*.py"))
    assert len(modules) <= 15, modules


def test_a_replay_without_enrichment_or_a_model_imports_neither(tmp_path):
    """An offline replay never loads the network client, the enrichment parsers or the
    model writer (their imports cost a cold run a tenth of a second and more)."""
    import os
    import subprocess
    import sys

    from test_digest import FIXTURE

    code = ("import sys\n"
            "from arxiv_digest.cli import main\n"
            "try:\n"
            "    main(['run', '--quiet', '--input', sys.argv[1], '--out', sys.argv[2]])\n"
            "except SystemExit as exit:\n"
            "    assert not exit.code, exit.code\n"
            "print(' '.join(m for m in ('httpx', 'arxiv_digest.http', 'arxiv_digest.enrich',"
            " 'arxiv_digest.writers.llm', 'arxiv_digest.llm.backend') if m in sys.modules))\n")
    env = dict(os.environ, ARXIV_DIGEST_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", code, str(FIXTURE), str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "2026-06-10.md").exists()
    assert proc.stdout.strip() == "", proc.stdout
