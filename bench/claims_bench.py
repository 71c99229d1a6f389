"""Benchmark: claims extraction on long, pathological fields (6 to 100 KB).

Each shape is one field built to stress a part of extraction: long sentences full of
numbers or metrics, digit runs, ranges, comparisons, white-space runs, rejected
sentence breaks, unclosed LaTeX math, and a real abstract from the shared listings
repeated (as written, and with its sentence breaks removed). For each shape it prints
seconds per size (LaTeX rendering plus extraction, best of N) and the ratio
time(largest)/time(smallest): about the size ratio (~17) when the work is linear,
far more when it is quadratic.

    python bench/claims_bench.py [--shared ../shared] [--repeat 3] [--sizes 6,12,25,50,100]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SHAPES = {
    "numbers, no sentence break": lambda i: f"{i % 97}.5 ",
    "metrics in one sentence": lambda i: ("FID 1.5 ", "PSNR 2.5 dB ", "accuracy 3.5% ",
                                          "2.5x faster than DDIM ", "53.1M params vs 110M ")[i % 5],
    "digit run": lambda i: "1234567890",
    "comma-separated digits": lambda i: f"{i % 9 + 1},",
    "ranges": lambda i: f"{i % 9}-{i % 9 + 1}% ",
    "from 1 to 2 to 3": lambda i: ("from " if i == 0 else "") + f"{i % 90 + 1} to ",
    "numbers vs numbers": lambda i: f"{i % 90} vs {i % 80} ",
    "counts": lambda i: f"{i % 90} benchmarks ",
    "initials (A. B. C.)": lambda i: chr(65 + i % 26) + ". ",
    "unclosed \\( math": lambda i: r"\( x ",
    # A whole field: one number, a run of white space, then what it is compared with.
    "white space between comparands": "FID 1.5{}vs 2.5",
}


def repeat_to(piece, size: int) -> str:
    """``piece(i)`` for i = 0, 1, … joined, cut to ``size`` characters."""
    parts, length, i = [], 0, 0
    while length < size:
        parts.append(piece(i))
        length += len(parts[-1])
        i += 1
    return "".join(parts)[:size]


def real_abstract(shared: Path) -> str | None:
    """The abstract with the most digits on the largest shared listing day."""
    days = sorted((shared / "data" / "arxiv").glob("*.jsonl"), key=lambda p: p.stat().st_size)
    if not days:
        return None
    abstracts = [json.loads(line).get("abstract") or ""
                 for line in days[-1].read_text(encoding="utf-8").splitlines() if line.strip()]
    return max(abstracts, key=lambda a: sum(c.isdigit() for c in a))


def build(shape, size: int) -> str:
    """The field of ``size`` characters: a template's gap filled, or pieces repeated."""
    if isinstance(shape, str):
        return shape.format(" " * (size - len(shape) + 2))
    return repeat_to(shape, size)


def best_time(text: str, repeat: int) -> tuple[float, int]:
    from arxiv_digest.text.claims import extract_text
    from arxiv_digest.text.latex import latex_to_text

    best, found = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        found = len(extract_text(latex_to_text(text), "abstract"))
        best = min(best, time.perf_counter() - start)
    return best, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="6,12,25,50,100", help="field sizes in KB")
    args = parser.parse_args()
    sizes = [int(s) * 1000 for s in args.sizes.split(",")]
    shapes = dict(SHAPES)
    abstract = real_abstract(args.shared)
    if abstract:
        shapes["real abstract repeated"] = lambda i: abstract + " "
        unbroken = abstract.replace(". ", ", ")
        shapes["real abstract, no sentence break"] = lambda i: unbroken + " "
    else:
        print(f"(no shared listings under {args.shared}: real-abstract shapes skipped)")
    header = "".join(f"{s // 1000:>7} KB" for s in sizes)
    print(f"{'shape':34}{header}   ratio  claims")
    for name, piece in shapes.items():
        row, found = [], 0
        for size in sizes:
            seconds, found = best_time(build(piece, size), args.repeat)
            row.append(seconds)
        cells = "".join(f"{s:8.3f} s" for s in row)
        print(f"{name:34}{cells} {row[-1] / max(row[0], 1e-9):7.1f} {found:7d}", flush=True)


if __name__ == "__main__":
    main()
