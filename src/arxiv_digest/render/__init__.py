"""Renderings of one digest: Markdown and a standalone HTML page (JSON is
``Digest.to_json``). Paper text is untrusted: in Markdown it is escaped so it cannot
become markup or links; in HTML every value is autoescaped, citation markers become
links only after escaping, and URLs must be http(s)."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from markupsafe import Markup, escape

from arxiv_digest.digest import LABELS, SECTION_NAMES, Digest
from arxiv_digest.plugins import RENDERERS
from arxiv_digest.text.textclean import strip_invisible

# Brackets are escaped (so no "[text](url)" can form; [n] markers are kept only when no
# "(" follows), as are emphasis, code, HTML and table characters.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")


_MARKER_RUN = re.compile(r"(?:\[\d+\](?!\())+")


def _numbers(run: str) -> list[str]:
    return re.findall(r"\d+", run)


def md_text(value: object) -> str:
    """Escape Markdown and HTML syntax in text; keep ``[n]`` citation markers readable
    (a run of them as one: ``[9][10]`` -> ``[9, 10]``)."""
    parts = []
    text = str(value or "")
    pos = 0
    for match in _MARKER_RUN.finditer(text):
        parts.append(_MD_SPECIAL.sub(r"\\\1", text[pos:match.start()]))
        parts.append(f"[{', '.join(_numbers(match.group(0)))}]")
        pos = match.end()
    parts.append(_MD_SPECIAL.sub(r"\\\1", text[pos:]))
    return "".join(parts).replace("\n", " ")


def safe_url(value: object) -> str:
    url = str(value or "")
    if re.match(r"^https?://[^\s<>\"'`]+$", url):
        return url
    return ""


def md_url(value: object) -> str:
    """A URL for a Markdown link target: http(s) only, parentheses and spaces escaped."""
    return safe_url(value).replace("(", "%28").replace(")", "%29")


def html_prose(value: object) -> Markup:
    """Escape, then turn ``[n]`` markers into links to the numbered sources (a run of
    them as one bracket: ``[9, 10]``)."""
    escaped = str(escape(str(value or "")))

    def cite(match: re.Match) -> str:
        links = ", ".join(f'<a class="cite" href="#src-{n}">{n}</a>'
                          for n in _numbers(match.group(0)))
        return f'<span class="cites">[{links}]</span>'
    return Markup(_MARKER_RUN.sub(cite, escaped))


def html_name(value: object) -> Markup:
    """A short name that breaks only at its spaces, never at a hyphen ("PeLAP-A")."""
    words = str(escape(str(value or ""))).split(" ")
    return Markup(" ".join(f'<span class="nobr">{w}</span>' if "-" in w else w
                           for w in words))


def _visible(value: object) -> object:
    """Every printed value loses invisible reordering characters (markup stays markup)."""
    if isinstance(value, Markup):
        return Markup(strip_invisible(str(value)))
    if isinstance(value, str):
        return strip_invisible(value)
    return value


@lru_cache(maxsize=2)
def environment(autoescape: bool):
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("arxiv_digest.render", "templates"),
                      autoescape=autoescape, undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True, finalize=_visible)
    env.filters.update(md=md_text, md_url=md_url, url=safe_url, prose=html_prose,
                       name=html_name)
    return env


def _context(digest: Digest, labels: dict | None) -> dict:
    words = dict(LABELS, **(labels or {}))
    return {"d": digest, "sections": [(n, words[n]) for n in SECTION_NAMES],
            "v": digest.verification, "L": words}


# Output formats register by name with the file suffix they write (``suffix``); a package
# adds one through the ``arxiv_digest.renderers`` entry points: a function
# ``(digest, labels) -> str`` with ``plugin_options = {"suffix": "…"}``.


@RENDERERS.register("json", suffix="json")
def render_json(digest: Digest, labels: dict | None = None) -> str:
    """The structured digest (``labels`` do not apply: JSON keeps its keys)."""
    return json.dumps(digest.to_json(), indent=2, ensure_ascii=False) + "\n"


@RENDERERS.register("markdown", suffix="md")
def render_markdown(digest: Digest, labels: dict | None = None) -> str:
    return environment(False).get_template("digest.md.j2").render(**_context(digest, labels))


@RENDERERS.register("html", suffix="html")
def render_html(digest: Digest, labels: dict | None = None) -> str:
    return environment(True).get_template("digest.html.j2").render(**_context(digest, labels))


def renderings(digest: Digest, labels: dict | None = None) -> dict[str, str]:
    """Every registered format's text of ``digest``, by file suffix (JSON first: it is
    the record the store keeps; the others in registration order)."""
    out = {}
    for name, render in RENDERERS.items().items():
        out[RENDERERS.options(name).get("suffix", name)] = render(digest, labels)
    return out
