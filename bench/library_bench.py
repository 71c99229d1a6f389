"""Benchmark: ``feedback import`` of generated libraries of 10k, 20k and 100k entries.

For each size and format (BibTeX as a reference manager writes it, with an abstract,
braces in titles and a quoted field; CSL-JSON; a plain list of ids) it prints the time to
read the file, the time of the whole import (read, look up, like) into a store that holds
every paper, and the peak RSS of a process that does only that. Then the pathological
shapes: 20k entries none of which is closed, one 50 MB field, 50 MB of braces, and 50 MB
of braces nested six deep.
Each case runs in a fresh process, so each peak RSS is its own. The time should grow
with the entries (100k ≈ 10 × 10k); a quadratic reader shows as 100 ×.

    python bench/library_bench.py [--sizes 10000,20000,100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ABSTRACT = ("We study score-based diffusion models for image synthesis and show that a "
            "simple change to the noise schedule improves sample quality. ") * 2


def paper_ids(n: int) -> list[str]:
    return [f"{2001 + i // 99_999:04d}.{i % 99_999 + 1:05d}" for i in range(n)]


def bibtex(n: int, closed: bool = True):
    end = "}\n\n" if closed else "\n"
    return (
        f"@article{{key{i},\n  title = {{A {{Diffusion}} Model, Part {i}}},\n"
        f"  author = {{Author, Ann and Writer, Bob}},\n  journal = \"arXiv preprint\",\n"
        f"  year = {2020 + i % 6},\n  abstract = {{{ABSTRACT}}},\n  eprint = {{{pid}}},\n"
        f"  archivePrefix = {{arXiv}},\n  url = {{https://arxiv.org/abs/{pid}}},\n{end}"
        for i, pid in enumerate(paper_ids(n)))


def csl_json(n: int):
    yield "[\n"
    for i, pid in enumerate(paper_ids(n)):
        yield ("" if i == 0 else ",\n") + json.dumps(
            {"id": f"key{i}", "type": "article", "title": f"A Model, Part {i}",
             "abstract": ABSTRACT, "author": [{"family": "Author", "given": "Ann"}],
             "issued": {"date-parts": [[2020 + i % 6, 1, 1]]},
             "URL": f"https://arxiv.org/abs/{pid}", "number": f"arXiv:{pid}"})
    yield "\n]\n"


def plain(n: int):
    return (f"{pid}\n" for pid in paper_ids(n))


SHAPES = {
    "bibtex": bibtex,
    "csl-json": csl_json,
    "plain": plain,
    "bibtex-unclosed": lambda n: bibtex(n, closed=False),
    "field-50MB": lambda n: ["@article{big,\n  abstract = {", *["x" * 1_000_000] * 50,
                            "},\n  eprint = {2006.11239},\n}\n"],
    "braces-50MB": lambda n: ["@article{big,\n  abstract = {", *["x{y}" * 250_000] * 50,
                             "},\n  eprint = {2006.11239},\n}\n"],
    # The worst case found: braces nested deeper than the one-pattern match (six levels),
    # alternating with text, so every brace is a step of the run-by-run match.
    "deep-braces-50MB": lambda n: ["@article{big,\n  abstract = {{{{{{",
                                   *["{x}" * 333_333] * 50, "}}}}}},\n}\n"],
}


def child(shape: str, n: int, repeat: int) -> None:
    """One case in this process: read times, whole-import time, peak RSS (JSON out)."""
    sys.path.insert(0, str(REPO / "src"))
    from arxiv_digest.config import load_settings
    from arxiv_digest.reader.feedback import import_library
    from arxiv_digest.reader.library import read_library
    from arxiv_digest.models import Paper
    from arxiv_digest.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"library.{'json' if shape == 'csl-json' else 'bib'}"
        with path.open("w", encoding="utf-8") as out:
            out.writelines(SHAPES[shape](n))
        size = path.stat().st_size
        reads = []
        for _ in range(repeat):
            start = time.perf_counter()
            library = read_library(path)
            reads.append(time.perf_counter() - start)
        imported = None
        if library.ids:
            settings = load_settings(Path(tmp) / "home")
            with Store(settings.db_path) as store:
                store.save_papers([Paper(id=pid, version=1, title=f"Paper {pid}",
                                         authors=["A B"], abstract="An abstract.",
                                         categories=["cs.LG"]) for pid, _ in library.ids])
                start = time.perf_counter()
                report = import_library(settings, store, "diffusion", path, fetch=False)
                imported = time.perf_counter() - start
                assert len(report.recorded) == len(library.ids)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"read": min(reads), "import": imported, "peak_mb": peak, "bytes": size,
                      "entries": library.entries, "ids": len(library.ids),
                      "bad": library.bad}))


def run(shape: str, n: int, repeat: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", shape, str(n),
                          "--repeat", str(repeat)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,20000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("SHAPE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.repeat)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'case':<18} {'entries':>8} {'MB':>6} {'read s':>7} {'import s':>8} "
          f"{'peak MB':>8}  ids/bad")
    cases = [(shape, n) for shape in ("bibtex", "csl-json", "plain") for n in sizes]
    cases += [("bibtex-unclosed", 20_000), ("field-50MB", 1), ("braces-50MB", 1),
              ("deep-braces-50MB", 1)]
    for shape, n in cases:
        r = run(shape, n, args.repeat)
        imported = f"{r['import']:.2f}" if r["import"] is not None else "—"
        print(f"{shape:<18} {r['entries']:>8,} {r['bytes'] / 1e6:>6.1f} {r['read']:>7.2f} "
              f"{imported:>8} {r['peak_mb']:>8.0f}  {r['ids']:,}/{r['bad']:,}")


if __name__ == "__main__":
    main()
