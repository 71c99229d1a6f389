"""A digest as a chat message: its title, each pick's short name, one-liner, headline
number and links, and the site link, in the formats chat services read.

Every word comes from the verified digest, without its ``[n]`` source markers. Paper text
is untrusted, so each format escapes it its own way and it never carries markup, a link
or a mention: Slack's ``&``, ``<`` and ``>`` in plain-text blocks, HTML entities for
Telegram and Matrix, a backslash before every Markdown character for Discord. The only
links are the ones the digest holds (each pick's arXiv page and code link, when they are
plain http(s) URLs with a real host name) and the site's.

Services limit a message's length, so each format is cut at pick boundaries into parts
that fit (:data:`TELEGRAM_LIMIT` and Discord's embed limits); a single field too long for
its slot is shortened at a word and marked with an ellipsis, before escaping, so no tag or
entity is ever cut.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from arxiv_digest.text import links
from arxiv_digest.digest import Digest
from arxiv_digest.text.textclean import clean

TELEGRAM_LIMIT = 4096              # characters of a sendMessage text
SLACK_HEADER_LIMIT = 150           # a header block's plain text
SLACK_TEXT_LIMIT = 3000            # a section block's text
SLACK_BLOCKS = 50                  # blocks in one message
DISCORD_CONTENT_LIMIT = 2000
DISCORD_TITLE_LIMIT = 256
DISCORD_DESCRIPTION_LIMIT = 4096
DISCORD_EMBEDS = 10                # embeds in one message
DISCORD_TOTAL_LIMIT = 6000         # characters across one message's embeds
FIELD_LIMITS = {"short_name": 200, "one_line": 1200, "highlight": 400}  # after escaping
URL_LIMIT = 1000

_MARKER = re.compile(r"\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\]")
_SAFE_ID = re.compile(r"[0-9A-Za-z./-]{1,40}")
_URL_FORBIDDEN = set("<>\"'`|\\{}^ ")


@dataclass(frozen=True)
class Entry:
    """One pick as a message shows it (plain text, markers removed)."""

    rank: int
    id: str
    short_name: str
    one_line: str
    highlight: str
    abs_url: str | None
    code_url: str | None


@dataclass(frozen=True)
class Message:
    title: str
    entries: tuple[Entry, ...]
    site_url: str | None           # the digest's page on the site, when one is configured


def plain(text: str | None) -> str:
    """Paper text for a message: no ``[n]`` markers, no control or invisible characters,
    one line."""
    return clean(_MARKER.sub("", text or "")) or ""


def chat_link(url: str | None) -> str | None:
    """``url`` as the digest holds it when it is a plain http(s) link: a real host name,
    none of the characters that could end a link in some format, not too long."""
    if not url or len(url) > URL_LIMIT or any(c in _URL_FORBIDDEN for c in url):
        return None
    if not url.lower().startswith(("http://", "https://")):
        return None
    parsed = links.parse(url)
    return url if parsed is not None and parsed[0] == url else None


def site_link(url: str | None) -> str | None:
    """The configured site page's URL, when it is http(s) and safe in every format."""
    if not url or any(c in _URL_FORBIDDEN or ord(c) < 32 for c in url):
        return None
    return url if url.lower().startswith(("http://", "https://")) else None


def message_of(digest: Digest, site_url: str | None = None) -> Message:
    """What every channel says about ``digest``; ``site_url`` the site's base URL."""
    page = None
    if site_url:
        page = site_link(f"{site_url.rstrip('/')}/digests/{digest.profile}/"
                         f"{digest.date.isoformat()}.html")
    entries = tuple(
        Entry(rank=p.rank, id=p.id, short_name=plain(p.short_name) or plain(p.title),
              one_line=plain(p.one_line), highlight=plain(p.highlight),
              abs_url=chat_link(p.abs_url), code_url=chat_link(p.code_url))
        for p in digest.picks)
    return Message(title=plain(digest.title), entries=entries, site_url=page)


# -- fitting ----------------------------------------------------------------------------------

def shorten(text: str, size: int) -> str:
    """``text`` in at most ``size`` characters, cut at a word and ended with an ellipsis."""
    if len(text) <= size:
        return text
    if size <= 1:
        return "\u2026"[:size]
    cut = text[:size - 1]
    space = cut.rfind(" ")
    if space > size // 2:
        cut = cut[:space]
    return cut.rstrip() + "\u2026"


def fit(text: str, escape: Callable[[str], str], limit: int) -> str:
    """``escape(text)``, the text shortened first (never the escaped form, so no entity
    or escape is cut) until the result is at most ``limit`` characters."""
    out = escape(text)
    if len(out) <= limit:
        return out
    low, high = 0, len(text)
    while low < high:                       # the longest prefix that fits
        middle = (low + high + 1) // 2
        if len(escape(shorten(text, middle))) <= limit:
            low = middle
        else:
            high = middle - 1
    return escape(shorten(text, low))


def pack(blocks: list, size: Callable[[list], int], limit: int, most: int | None = None
         ) -> list[list]:
    """Consecutive ``blocks`` grouped into parts whose ``size`` stays within ``limit``
    (and at most ``most`` blocks each); a block is never split."""
    parts: list[list] = []
    for block in blocks:
        if parts and size(parts[-1] + [block]) <= limit and (
                most is None or len(parts[-1]) < most):
            parts[-1].append(block)
        else:
            parts.append([block])
    return parts


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- Slack ------------------------------------------------------------------------------------

def slack_escape(text: str) -> str:
    """Slack's three control characters as entities: no ``<!channel>``, ``<@U…>`` or
    ``<url|label>`` can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_plain(text: str, limit: int = SLACK_TEXT_LIMIT) -> dict:
    return {"type": "plain_text", "text": fit(text, slack_escape, limit), "emoji": False}


def _slack_links(pairs: list[tuple[str, str]]) -> dict:
    text = "  \u00b7  ".join(f"<{url.replace('&', '&amp;')}|{label}>" for url, label in pairs)
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text,
                                             "verbatim": True}]}


def _entry_links(entry: Entry) -> list[tuple[str, str]]:
    """(url, label) of a pick's links; labels are the program's words and its id."""
    pairs = []
    if entry.abs_url:
        pairs.append((entry.abs_url, f"arXiv {entry.id}" if _SAFE_ID.fullmatch(entry.id)
                      else "arXiv"))
    if entry.code_url:
        pairs.append((entry.code_url, "code"))
    return pairs


def _entry_lines(entry: Entry) -> list[str]:
    """A pick's text, unescaped: the heading line and the headline number."""
    head = f"{entry.rank}. {shorten(entry.short_name, FIELD_LIMITS['short_name'])}"
    if entry.one_line:
        head += f" \u2014 {shorten(entry.one_line, FIELD_LIMITS['one_line'])}"
    highlight = shorten(entry.highlight, FIELD_LIMITS["highlight"])
    return [head] + ([f"Headline: {highlight}"] if highlight else [])


def slack_messages(message: Message) -> list[dict]:
    """Incoming-webhook payloads (Block Kit): a header, a plain-text section and a links
    line per pick, the site link; the fallback ``text`` (notifications) is the title."""
    blocks: list[dict] = []
    for entry in message.entries:
        group = [{"type": "section", "text": _slack_plain("\n".join(_entry_lines(entry)))}]
        if _entry_links(entry):
            group.append(_slack_links(_entry_links(entry)))
        blocks.append(group)
    if message.site_url:
        blocks.append([_slack_links([(message.site_url, "On the web")])])
    header = {"type": "header", "text": _slack_plain(message.title, SLACK_HEADER_LIMIT)}
    parts = pack(blocks, lambda part: sum(len(g) for g in part), SLACK_BLOCKS - 1)
    payloads = []
    for part in parts:
        payloads.append({"text": fit(message.title, slack_escape, SLACK_TEXT_LIMIT),
                         "mrkdwn": False, "unfurl_links": False, "unfurl_media": False,
                         "blocks": [header] + [b for group in part for b in group]})
    return payloads


# -- Discord ----------------------------------------------------------------------------------

_DISCORD_SPECIAL = re.compile(r"([\\*_~`|<>\[\]()#@:])")
_DISCORD_LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)")


def discord_escape(text: str) -> str:
    """A backslash before each Markdown character (and ``@``, ``<`` and ``:``, so no
    mention, timestamp, emoji or autolink forms); a list marker at the start too."""
    escaped = _DISCORD_SPECIAL.sub(r"\\\1", text)
    return _DISCORD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _discord_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29")


def _discord_embed(entry: Entry) -> dict:
    name = fit(entry.short_name, discord_escape, DISCORD_TITLE_LIMIT - 8)
    embed: dict = {"title": f"{entry.rank}. {name}"}
    if entry.abs_url:
        embed["url"] = entry.abs_url
    lines = []
    if entry.one_line:
        lines.append(fit(entry.one_line, discord_escape, FIELD_LIMITS["one_line"]))
    if entry.highlight:
        lines.append("**Headline:** " + fit(entry.highlight, discord_escape,
                                             FIELD_LIMITS["highlight"]))
    pairs = _entry_links(entry)
    if pairs:
        lines.append("  \u00b7  ".join(f"[{label}]({_discord_url(url)})"
                                       for url, label in pairs))
    if lines:
        embed["description"] = "\n".join(lines)
    return embed


def _embed_size(embed: dict) -> int:
    return len(embed.get("title", "")) + len(embed.get("description", ""))


def discord_messages(message: Message) -> list[dict]:
    """Webhook payloads: the title (and the site link) as content, one embed per pick,
    at most ten embeds and 6,000 characters a message; ``allowed_mentions`` with an empty
    ``parse`` list, so nothing in it can ping anyone."""
    content = f"**{fit(message.title, discord_escape, DISCORD_CONTENT_LIMIT - 1100)}**"
    if message.site_url:
        content += f"\n<{message.site_url}>"
    embeds = [_discord_embed(e) for e in message.entries]
    parts = pack(embeds, lambda part: sum(_embed_size(e) for e in part), DISCORD_TOTAL_LIMIT,
                 DISCORD_EMBEDS) or [[]]
    payloads = [{"embeds": part, "allowed_mentions": {"parse": []}} for part in parts]
    payloads[0] = {"content": content, **payloads[0]}
    return payloads


# -- Telegram and Matrix (HTML) ----------------------------------------------------------------

def html_escape(text: str) -> str:
    return html.escape(text, quote=False)


def _href(url: str, label: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html_escape(label)}</a>'


def _html_entry(entry: Entry, line_break: str) -> str:
    head = f"<b>{entry.rank}. {fit(entry.short_name, html_escape, FIELD_LIMITS['short_name'])}</b>"
    if entry.one_line:
        head += " \u2014 " + fit(entry.one_line, html_escape, FIELD_LIMITS["one_line"])
    lines = [head]
    if entry.highlight:
        lines.append("Headline: " + fit(entry.highlight, html_escape,
                                        FIELD_LIMITS["highlight"]))
    pairs = _entry_links(entry)
    if pairs:
        lines.append(" \u00b7 ".join(_href(url, label) for url, label in pairs))
    return line_break.join(lines)


def _html_blocks(message: Message, line_break: str) -> list[str]:
    blocks = [f"<b>{fit(message.title, html_escape, 500)}</b>"]
    blocks += [_html_entry(e, line_break) for e in message.entries]
    if message.site_url:
        blocks.append(_href(message.site_url, "On the web"))
    return blocks


def telegram_messages(message: Message, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """``sendMessage`` texts in HTML parse mode, each within ``limit`` characters (counted
    in UTF-16 units of the HTML itself, which is never shorter than what Telegram
    counts), split between picks."""
    parts = pack(_html_blocks(message, "\n"), lambda part: _utf16("\n\n".join(part)), limit)
    return ["\n\n".join(part) for part in parts]


def matrix_content(message: Message) -> dict:
    """An ``m.room.message`` event's content: ``m.text`` with a plain ``body`` and an
    ``org.matrix.custom.html`` ``formatted_body``; an empty ``m.mentions`` says it
    mentions nobody, so no ``@room`` in paper text notifies the room."""
    body = [message.title]
    for entry in message.entries:
        body.append("\n".join(_entry_lines(entry) + [url for url, _ in _entry_links(entry)]))
    if message.site_url:
        body.append(f"On the web: {message.site_url}")
    formatted = "".join(f"<p>{block}</p>" for block in _html_blocks(message, "<br>"))
    return {"msgtype": "m.text", "body": "\n\n".join(body),
            "format": "org.matrix.custom.html", "formatted_body": formatted,
            "m.mentions": {}}
