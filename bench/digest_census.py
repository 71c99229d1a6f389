"""What the offline writer puts on the page over the twenty shared days, run in date
order with the earlier days as history (as a daily user has them): facts checked and
dropped, highlights, sections written or left out, limits, one-liners, synthesis.

    python bench/digest_census.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from arxiv_digest.pipeline import RunOptions

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("ARXIV_DIGEST_SHARED", REPO.parent / "shared")))
    args = parser.parse_args()
    from arxiv_digest.config import load_settings
    from arxiv_digest.digest import SECTION_NAMES
    from arxiv_digest.pipeline import run_day
    from arxiv_digest.store import Store
    from arxiv_digest.topics import load_profile

    written, totals = Counter(), Counter()
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(Path(home))
        with Store(settings.db_path) as store:
            for path in sorted((args.shared / "data" / "arxiv").glob("*.jsonl")):
                digest = run_day(settings, store, load_profile(),
                                 options=RunOptions(inputs=(path,),
                                                    out_dir=Path(home) / "out")).digest
                v = digest.verification
                totals.update(days=1, checked=v.checked, dropped=v.dropped,
                              omitted=v.omitted, synthesis=bool(digest.synthesis))
                for pick in digest.picks:
                    totals.update(picks=1, highlight=bool(pick.highlight),
                                  one_line=bool(pick.one_line))
                    written.update(name for name in SECTION_NAMES if pick.sections[name])
    print(f"{totals['days']} days, {totals['picks']} picks: {totals['checked']} facts checked, "
          f"{totals['dropped']} sentences dropped, {totals['omitted']} sections emptied by "
          f"the verifier")
    print(f"highlights: {totals['highlight']} of {totals['picks']} picks; one-liners: "
          f"{totals['one_line']}; a synthesis on {totals['synthesis']} of {totals['days']} days")
    print("sections written (of picks): " + ", ".join(
        f"{name} {written[name]}" for name in SECTION_NAMES))


if __name__ == "__main__":
    main()
