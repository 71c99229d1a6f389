"""Full text: arXiv's HTML rendering (LaTeXML) or, failing that, the PDF.

From LaTeXML markup: authors' affiliations (``ltx_role_affiliation`` notes, or the
lines under each author's name), the first figure with its caption, the result tables
as rows of cells, and the section headings. From a PDF (pypdf): the text of the first
pages, from which affiliations are read heuristically. Institutions are normalised to
the names readers use ("MIT", "KAIST", "Microsoft").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import html as lxml_html

_INSTITUTION_WORDS = re.compile(
    r"\b(Universit\w*|Institut\w*|College|School|Laborator\w*|Lab|Labs|Academy|Research|"
    r"Center|Centre|Inc\.?|Corp\w*|Ltd|LLC|GmbH|Hospital|Foundation|Polytechnic|ETH|EPFL|"
    r"Google|DeepMind|Microsoft|Meta|NVIDIA|Apple|Amazon|Adobe|ByteDance|Alibaba|Tencent|"
    r"Baidu|Huawei|Samsung|Sony|IBM|Intel|OpenAI|Anthropic)\b")
# Canonical names for the institutions readers know by a short name.
CANONICAL = [
    (r"Massachusetts Institute of Technology|\bMIT\b", "MIT"),
    (r"Korea Advanced Institute of Science and Technology|\bKAIST\b", "KAIST"),
    (r"Microsoft", "Microsoft"), (r"Google DeepMind|DeepMind", "Google DeepMind"),
    (r"Google", "Google"), (r"\bMeta\b|Facebook AI|\bFAIR\b", "Meta"),
    (r"NVIDIA|Nvidia", "NVIDIA"), (r"ByteDance", "ByteDance"), (r"Alibaba", "Alibaba"),
    (r"Tencent", "Tencent"), (r"Adobe", "Adobe"), (r"Apple", "Apple"), (r"Amazon", "Amazon"),
    (r"Huawei", "Huawei"), (r"Samsung", "Samsung"), (r"OpenAI", "OpenAI"),
    (r"Stanford", "Stanford"), (r"Carnegie Mellon|\bCMU\b", "CMU"),
    (r"University of California,? Berkeley|UC Berkeley", "UC Berkeley"),
    (r"Tsinghua", "Tsinghua"), (r"Peking University", "Peking University"),
    (r"Seoul National University", "Seoul National University"),
    (r"University of Oxford|Oxford University", "Oxford"),
    (r"University of Cambridge", "Cambridge"), (r"ETH Z[uü]rich", "ETH Zurich"),
    (r"EPFL|[EÉ]cole Polytechnique F[eé]d[eé]rale de Lausanne", "EPFL"),
    (r"Harvard", "Harvard"), (r"Princeton", "Princeton"),
    (r"Shanghai AI Lab\w*|Shanghai Artificial Intelligence Laboratory", "Shanghai AI Lab"),
    (r"Chinese Academy of Sciences", "Chinese Academy of Sciences"),
]
CANONICAL = [(re.compile(p), name) for p, name in CANONICAL]
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


@dataclass
class Figure:
    url: str
    caption: str
    label: str               # "Figure 1"


@dataclass
class Table:
    label: str               # "Table 1"
    caption: str
    rows: list[list[str]]    # header first when there is one

    def numeric_rows(self) -> list[list[str]]:
        return [r for r in self.rows[1:] if any(_NUMBER.fullmatch(c.strip("%*†‡ ")) for c in r)]


@dataclass
class FullText:
    kind: str                                        # html or pdf
    url: str
    affiliations: list[str] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)
    figure: Figure | None = None
    tables: list[Table] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    text: str = ""                                   # plain text, for verification

    def table_text(self) -> str:
        return " ".join(f"{t.label}: {t.caption} " + " ".join(" ".join(r) for r in t.rows)
                        for t in self.tables)


def normalise_institution(affiliation: str) -> str | None:
    """'Dept. of EECS, Massachusetts Institute of Technology, Cambridge, USA' -> 'MIT'."""
    text = " ".join(affiliation.split())
    for pattern, name in CANONICAL:
        if pattern.search(text):
            return name
    parts = [p.strip(" .;") for p in re.split(r",|;|\n", text) if p.strip(" .;")]
    for part in parts:
        if re.search(r"\b(Department|Dept|School of|Faculty|Division)\b", part):
            continue
        if _INSTITUTION_WORDS.search(part) and len(part) <= 80:
            return part
    return None


def institutions_from(affiliations: list[str]) -> list[str]:
    seen: list[str] = []
    for affiliation in affiliations:
        name = normalise_institution(affiliation)
        if name and name not in seen:
            seen.append(name)
    return seen


def _text(element) -> str:
    return " ".join(element.text_content().split())


def parse_latexml(data: bytes, url: str) -> FullText:
    """Parse an arXiv HTML (LaTeXML) page. Raises ValueError when it is not one."""
    try:
        root = lxml_html.fromstring(data)
    except (ValueError, lxml_html.etree.ParserError) as exc:
        raise ValueError(f"unreadable HTML ({exc})") from None
    if not root.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " ltx_document ")]'
                      ' | //*[contains(@class, "ltx_page_main")]'):
        raise ValueError("not a LaTeXML document")
    result = FullText("html", url)
    affiliations = [_text(e) for e in root.xpath('//*[contains(@class, "ltx_role_affiliation")]')]
    if not affiliations:
        for person in root.xpath('//*[contains(@class, "ltx_personname")]'):
            lines = [" ".join(t.split()) for t in person.xpath(".//text()")]
            affiliations += [line for line in lines[1:] if _INSTITUTION_WORDS.search(line)]
    result.affiliations = list(dict.fromkeys(a for a in affiliations if a))
    result.institutions = institutions_from(result.affiliations)
    for figure in root.xpath('//figure[contains(@class, "ltx_figure")]'):
        images = figure.xpath('.//img[@src]')
        if not images:
            continue
        caption = figure.xpath('.//figcaption')
        text = _text(caption[0]) if caption else ""
        tag = figure.xpath('.//*[contains(@class, "ltx_tag_figure")]')
        label = _text(tag[0]).rstrip(": ") if tag else "Figure 1"
        if text.startswith(label):
            text = text[len(label):].lstrip(": ")
        result.figure = Figure(urljoin(url.rstrip("/") + "/", images[0].get("src")), text, label)
        break
    for table in root.xpath('//figure[contains(@class, "ltx_table")]'):
        caption = table.xpath('.//figcaption')
        text = _text(caption[0]) if caption else ""
        tag = table.xpath('.//*[contains(@class, "ltx_tag_table")]')
        label = _text(tag[0]).rstrip(": ") if tag else f"Table {len(result.tables) + 1}"
        if text.startswith(label):
            text = text[len(label):].lstrip(": ")
        rows = [[_text(cell) for cell in tr.xpath('./th|./td')]
                for tr in table.xpath('.//tr')]
        rows = [r for r in rows if any(r)]
        if rows:
            result.tables.append(Table(label, text, rows))
    result.sections = [_text(h) for h in root.xpath(
        '//*[contains(@class, "ltx_title_section")]')]
    body = root.xpath('//*[contains(@class, "ltx_page_main")] | //article')
    result.text = _text(body[0]) if body else _text(root)
    return result


def parse_pdf(data: bytes, url: str, pages: int = 2) -> FullText:
    """The first pages' text of a PDF; affiliations are the lines between the title and
    the abstract that name an institution. Raises ValueError for a broken PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n".join((page.extract_text() or "") for page in reader.pages[:pages])
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"unreadable PDF ({type(exc).__name__})") from None
    head = re.split(r"\bAbstract\b", text, maxsplit=1)[0]
    affiliations = [line.strip() for line in head.splitlines()[1:]
                    if _INSTITUTION_WORDS.search(line) and len(line) < 160]
    result = FullText("pdf", url, affiliations=affiliations,
                      institutions=institutions_from(affiliations), text=" ".join(text.split()))
    return result
