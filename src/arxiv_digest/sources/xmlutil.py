"""Safe, strict XML parsing shared by the feed and API readers."""

from __future__ import annotations

from lxml import etree

from arxiv_digest.errors import InputError

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}

# No entity expansion, no DTD or network access: responses are untrusted input.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_blank_text=True)


def parse_xml(data: bytes, where: str) -> etree._Element:
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        raise InputError(f"{where}: invalid XML{line} ({exc.msg}); the data may be "
                         "truncated — nothing was stored") from None


def text_of(element, path: str) -> str | None:
    found = element.find(path, NS)
    if found is None or found.text is None:
        return None
    return found.text
