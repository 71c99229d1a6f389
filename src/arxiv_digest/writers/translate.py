"""Editions in other languages: the verified English digest translated field by field.

Every translated field must keep the English field's citation markers and numbers
exactly, and the picks' short names; a field that does not stays in English (and is
counted). The translated digest then goes through the verifier again.
"""

from __future__ import annotations

import copy
import re
from collections import Counter

from pydantic import ConfigDict, create_model

from arxiv_digest.digest import LABELS, SECTION_NAMES, Digest
from arxiv_digest.llm.backend import LLMBackend, LLMRequest
from arxiv_digest.writers.prompts import translate_messages
from arxiv_digest.verify import facts

LANGUAGES = {"ko": "Korean", "zh": "Simplified Chinese", "ja": "Japanese", "de": "German",
             "fr": "French", "es": "Spanish", "pt": "Portuguese", "it": "Italian",
             "ru": "Russian", "vi": "Vietnamese", "tr": "Turkish", "ar": "Arabic",
             "hi": "Hindi", "id": "Indonesian", "zh-tw": "Traditional Chinese"}

_MARKER = re.compile(r"\[\d+\]")


def language_name(code: str) -> str:
    return LANGUAGES.get(code.lower(), code)


def _model(keys: list[str]):
    return create_model("Translation", __config__=ConfigDict(extra="forbid"),
                        **{k: (str, ...) for k in keys})


def _same_facts(english: str, translated: str) -> bool:
    if Counter(_MARKER.findall(english)) != Counter(_MARKER.findall(translated)):
        return False
    numbers = lambda text: Counter(n for n, _ in facts(text)[0])  # noqa: E731
    return numbers(english) == numbers(translated)


def translate(digest: Digest, lang: str, backend: LLMBackend) -> tuple[Digest, dict, list[str]]:
    """The translated digest, its labels, and the fields kept in English."""
    language = language_name(lang)
    keep = sorted({p.short_name for p in digest.picks})
    groups: list[dict[str, str]] = [{"title": digest.title, "dek": digest.dek,
                                     "brief": digest.brief, "reading_order": digest.reading_order,
                                     "synthesis": digest.synthesis,
                                     **{f"label_{k}": v for k, v in LABELS.items()}}]
    for i, pick in enumerate(digest.picks):
        group = {f"p{i}_{name}": pick.sections[name] for name in SECTION_NAMES}
        group[f"p{i}_heading"] = pick.heading
        groups.append(group)
    requests = []
    for n, group in enumerate(groups):
        aliases = {f"f{j}": key for j, key in enumerate(group)}
        fields = {alias: group[key] for alias, key in aliases.items()}
        requests.append((LLMRequest(f"translate:{lang}:{n}",
                                    translate_messages(fields, language, keep),
                                    _model(list(aliases))), aliases, group))
    results = backend.run([r for r, _, _ in requests])
    translated: dict[str, str] = {}
    english_kept: list[str] = []
    for (request, aliases, group), result in zip(requests, results):
        for alias, key in aliases.items():
            original = group[key]
            value = getattr(result.value, alias, None) if result.value is not None else None
            names_kept = all(name in value for name in keep if name in original) if value else False
            if value and value.strip() and _same_facts(original, value) and names_kept:
                translated[key] = value.strip()
            else:
                translated[key] = original
                english_kept.append(key)
    edition = copy.deepcopy(digest)
    edition.dek, edition.brief = translated["dek"], translated["brief"]
    edition.reading_order, edition.synthesis = translated["reading_order"], translated["synthesis"]
    edition.title_override = translated["title"]
    for i, pick in enumerate(edition.picks):
        for name in SECTION_NAMES:
            pick.sections[name] = translated[f"p{i}_{name}"]
        pick.heading = translated[f"p{i}_heading"]
    labels = {k: translated[f"label_{k}"] for k in LABELS}
    edition.lang = lang
    return edition, labels, english_kept
