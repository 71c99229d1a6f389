"""The page as a reader sees it: a column only when it has content, markers that read as
one citation, short names that never break at a hyphen."""

import re

from arxiv_digest.pipeline import run_day
from arxiv_digest.render import html_prose, md_text, render_html, render_markdown
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from test_digest import FIXTURE
from arxiv_digest.pipeline import RunOptions


def digest_of(settings, tmp_path):
    with Store(settings.db_path) as store:
        return run_day(settings, store, load_profile(),
                       options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path)).digest


def header_cells(markdown: str, first: str) -> list[str]:
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {first}"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_a_column_shows_only_when_it_has_content(settings, tmp_path):
    digest = digest_of(settings, tmp_path)
    assert not any(p.institutions for p in digest.picks)        # offline: none known
    markdown = render_markdown(digest)
    assert header_cells(markdown, "#") == ["#", "Paper", "arXiv", "Highlight", "Evidence"]
    assert "Institution" not in render_html(digest)
    digest.picks[2].institutions = ["ETH Zurich"]
    for pick in digest.picks:
        pick.highlight = ""
    markdown = render_markdown(digest)
    assert header_cells(markdown, "#") == ["#", "Paper", "arXiv", "Institutions", "Evidence"]
    assert header_cells(markdown, "Paper")[:3] == ["Paper", "Core contribution", "Institution"]
    assert markdown.count("| — |") >= 4                          # the others say none


def test_adjacent_markers_read_as_one_citation_and_names_keep_their_hyphens(settings,
                                                                          tmp_path):
    assert md_text("both [9][10].") == "both [9, 10]."
    html = str(html_prose("both [9][10]."))
    assert re.search(r'\[<a class="cite" href="#src-9">9</a>, '
                     r'<a class="cite" href="#src-10">10</a>\]', html)
    digest = digest_of(settings, tmp_path)
    digest.picks[0].short_name = "PeLAP-A"
    page = render_html(digest)
    assert '<span class="nobr">PeLAP-A</span>' in page and ".nobr { white-space: nowrap; }" in page
