"""Links in paper text: which URLs a paper gives, and which of them is its code.

Paper text is untrusted, so a URL is judged by its parsed host, never by a substring.
A URL counts only when it

* stands in prose: at the start, after whitespace, after opening punctuation or after
  a plain label such as ``Code:``; not glued behind another scheme
  (``javascript:alert(1)//https://...``, ``data:text/html,https://...``), not inside an
  HTML tag (``<base href="https://...">``) and not inside a CSS ``url(...)``;
* is http or https (a bare ``github.com/owner/repo`` or ``www.example.org`` is read as
  https) with a real DNS host name: ASCII labels, a dot, a letter top-level domain, no
  user name or password, no backslash and no control or invisible characters;
* does not name a code host it is not on (``https://github.com.evil.example/x``,
  ``https://evil.example/github.com/x``): such a look-alike is dropped altogether. (This
  is the one test that looks at substrings, and it can only refuse a URL.)

A code host matches by exact host or a proper subdomain (``www.github.com``,
``gist.github.com``), each owned by the same service.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from urllib.parse import urlsplit

from arxiv_digest.models import Paper

CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "huggingface.co",
              "gitee.com", "colab.research.google.com")
_NOT_PAGES = ("arxiv.org", "doi.org")        # the paper itself, not a project page
_GITHUB_HOSTS = ("github.com", "www.github.com")
_STOP = r"[^\s<>\"'()\[\]{},;\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a]+"
_BARE = "|".join(re.escape(h) + "/" for h in CODE_HOSTS)
_CANDIDATE = re.compile(rf"https?://{_STOP}|(?<![\w/.@-])(?:www\.|{_BARE}){_STOP}", re.I)
_OPENING = "([{<\"'*_\u201c\u2018\u00ab\u2039\uff08\u3010\u300c"
_LABEL = re.compile(rf"[{re.escape(_OPENING)}]*([A-Za-z][A-Za-z0-9-]*):")
# Schemes that, written right before a URL, make the whole a link of their own kind.
_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "about", "filesystem",
                      "view-source", "jar", "intent", "mailto", "ftp", "http", "https", "ws",
                      "wss", "chrome", "resource", "livescript", "mocha"})
# A tag with a name, whitespace and an attribute (so "x < y and z > w" is no tag), or a
# comment or declaration; written so that matching stays linear.
_TAG = re.compile(r"<(?:![^<>]*|[A-Za-z][\w:.-]*\s[^<>=]*=[^<>]*)>")
_CSS_URL = re.compile(r"url\(\s*[\"']?\s*$", re.I)
_REACH = 64                          # how far before a URL its context is looked for
_LABEL_DNS = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def host_matches(host: str, domain: str) -> bool:
    """``host`` is ``domain`` or a proper subdomain of it (never a mere substring)."""
    return host == domain or host.endswith("." + domain)


def _real_host(host: str | None) -> str | None:
    if not host:
        return None
    host = host[:-1] if host.endswith(".") else host
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not labels[-1].isalpha():
        return None
    if not all(_LABEL_DNS.fullmatch(label) for label in labels):
        return None
    return host


def parse(url: str) -> tuple[str, str] | None:
    """``(url, host)`` for an acceptable http(s) URL (scheme added when bare), else None."""
    if not url.lower().startswith(("http://", "https://")):
        url = "https://" + url
    if "\\" in url or any(unicodedata.category(c)[0] in "CZ" for c in url):
        return None
    try:
        parts = urlsplit(url)
        _ = parts.port                         # raises on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or "@" in parts.netloc:
        return None
    host = _real_host(parts.hostname)
    return (url, host) if host else None


def is_code_host(host: str) -> bool:
    return any(host_matches(host, code) for code in CODE_HOSTS)


def is_code_link(url: str | None) -> bool:
    """True when ``url`` parses as http(s) on a code host."""
    parsed = parse(url) if url else None
    return parsed is not None and is_code_host(parsed[1])


def _lookalike(url: str, host: str) -> bool:
    """A URL that names a code host it is not on: in its host or anywhere after it."""
    if is_code_host(host):
        return False
    low = url.lower()
    return any(code in low for code in CODE_HOSTS)


def _tags(text: str) -> list[tuple[int, int]]:
    """The spans of HTML tags with an attribute (``<a href=...>``) and of ``<!...>``."""
    return [m.span() for m in _TAG.finditer(text)]


def _in_markup(text: str, start: int, tags: list[tuple[int, int]]) -> bool:
    """Inside an HTML tag or right inside a CSS ``url(``."""
    if _CSS_URL.search(text, max(0, start - _REACH), start):
        return True
    i = bisect_right(tags, (start, len(text) + 1)) - 1
    return i >= 0 and tags[i][0] < start < tags[i][1]


def _standalone(text: str, start: int) -> bool:
    """Preceded by start, whitespace, opening punctuation or a plain label like ``Code:``."""
    words = re.split(r"\s", text[max(0, start - _REACH):start])
    if len(words) == 1 and start > _REACH:
        return False                  # a long run of text glued to the URL
    prefix = words[-1]
    if all(c in _OPENING for c in prefix):
        return True
    label = _LABEL.fullmatch(prefix)
    return label is not None and label.group(1).lower() not in _SCHEMES


def _scan(text: str):
    """Each URL-like span of ``text``: ``(raw text, accepted URL or None)``."""
    tags = _tags(text) if "<" in text else []
    for match in _CANDIDATE.finditer(text):
        raw = match.group(0).rstrip(".:!?*")
        accepted = None
        if _standalone(text, match.start()) and not _in_markup(text, match.start(), tags):
            parsed = parse(raw)
            if parsed and not _lookalike(*parsed):
                accepted = parsed[0]
        yield raw, accepted


def find_links(text: str) -> list[str]:
    """The acceptable URLs in ``text``, in order, each once."""
    found: list[str] = []
    for _, url in _scan(text or ""):
        if url and url not in found:
            found.append(url)
    return found


def mentions(text: str) -> list[tuple[str, str | None]]:
    """Every URL-like span of ``text`` with its accepted form (None when refused)."""
    return list(_scan(text or ""))


def links(paper: Paper) -> list[str]:
    """The acceptable URLs of a paper's abstract and comment, in order, each once."""
    found: list[str] = []
    for text in (paper.abstract or "", paper.comment or ""):
        found += [url for url in find_links(text) if url not in found]
    return found


def code_url(paper: Paper) -> str | None:
    """The paper's code repository (or, failing that, project page) link, if it gives one."""
    urls = links(paper)
    for url in urls:
        if is_code_link(url):
            return url
    for url in urls:
        host = parse(url)[1]
        if not any(host_matches(host, other) for other in _NOT_PAGES):
            return url
    return None


def github_repo(url: str | None) -> tuple[str, str] | None:
    """``(owner, repo)`` when ``url`` is a GitHub repository link, else None."""
    parsed = parse(url) if url else None
    if parsed is None or parsed[1] not in _GITHUB_HOSTS:
        return None
    segments = [s for s in urlsplit(parsed[0]).path.split("/") if s]
    if len(segments) < 2:
        return None
    owner, repo = segments[0], segments[1]
    if repo.lower().endswith(".git"):
        repo = repo[:-4]
    if not all(_NAME.match(n) and n.strip(".") for n in (owner, repo)):
        return None
    return owner, repo
