"""LaTeX in titles and abstracts, rendered as plain text.

Only math segments (``$…$``, ``\\(…\\)``) and a few text-mode commands are
rendered (with pylatexenc); everything else is left as written, so a literal ``%``
in an abstract is never taken for a LaTeX comment.
"""

from __future__ import annotations

import re
from functools import lru_cache

from arxiv_digest.memo import per_text

# Math segments, tried in this order at each opener: $$…$$, $…$, \(…\) (bodies non-empty).
_MATH_FORMS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"))
_MATH_OPEN = re.compile(r"\$|\\\(")
_CITATIONS = re.compile(r"\s*~?\\(?:cite|citep|citet|citealp|ref|eqref|autoref|cref|Cref)"
                        r"\*?(?:\[[^\]]*\])?\{[^{}]*\}")
_TEXT_COMMANDS = re.compile(r"\\(?:textbf|textit|emph|texttt|textrm|textsc|underline|mathrm)\{([^{}]*)\}")
_ESCAPES = {r"\%": "%", r"\&": "&", r"\_": "_", r"\#": "#", r"\$": "$", "~": " ", "``": "\u201c",
            "''": "\u201d", "--": "\u2013"}
_ESCAPE_RE = re.compile("|".join(re.escape(k) for k in sorted(_ESCAPES, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def _math_to_text(math: str) -> str:
    source = re.sub(r"(?<!\\)%", r"\\%", math)
    try:
        text = _converter().latex_to_text(source)
    except Exception:  # pylatexenc raises assorted errors on malformed input; keep the source
        return math.strip()
    return re.sub(r"\s+", " ", text).strip()


def _math_at(text: str, pos: int, last: dict[str, int]) -> tuple[int, int, int] | None:
    """The math segment opening at ``pos`` as (body start, body end, end), or None.

    ``last`` holds each closer's last occurrence, so an opener with no closer after it
    is rejected without scanning the rest of the text.
    """
    for opener, closer in _MATH_FORMS:
        if not text.startswith(opener, pos):
            continue
        body = pos + len(opener)
        if last[closer] > body:
            close = text.find(closer, body + 1)
            return body, close, close + len(closer)
    return None


def _render_math(text: str) -> str:
    """Every math segment rendered as text, left to right, in one pass over ``text``."""
    last = {closer: text.rfind(closer) for _, closer in _MATH_FORMS}
    out, done, pos = [], 0, 0
    while (opener := _MATH_OPEN.search(text, pos)) is not None:
        segment = _math_at(text, opener.start(), last)
        if segment is None:
            pos = opener.start() + 1
            continue
        body, close, end = segment
        out += [text[done:opener.start()], _math_to_text(text[body:close])]
        done = pos = end
    out.append(text[done:])
    return "".join(out)


def has_latex(text: str) -> bool:
    return "$" in text or "\\" in text


@per_text
def latex_to_text(text: str) -> str:
    """``we prove $\\Omega(1/T)$ and a $2\\times$ speed-up`` -> ``we prove Ω(1/T) and a 2× speed-up``."""
    if not text or not has_latex(text) and "--" not in text and "~" not in text:
        return text
    out = _CITATIONS.sub("", text)               # citations and references say nothing
    out = _render_math(out)
    out = _TEXT_COMMANDS.sub(r"\1", out)
    out = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], out)
    out = re.sub(r"\\(?=\s)", "", out)            # "vs.\ 839M": a forced space
    return re.sub(r"[ \t]{2,}", " ", out)
