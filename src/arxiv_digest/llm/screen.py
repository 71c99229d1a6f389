"""Instruction-like text in papers (prompt injection), neutralised before a model sees
it and looked for again in what the model writes back."""

from __future__ import annotations

import re

_PATTERNS = [
    r"\b(?:ignore|disregard|override|forget)\s+(?:all\s+|any\s+|the\s+|your\s+|of\s+)*"
    r"(?:previous|prior|above|earlier|preceding|system|original)?\s*"
    r"(?:instructions?|prompts?|directions?|rules?|guidelines?|context)\b",
    r"\byou\s+are\s+(?:now\s+)?(?:a|an|the)\s+(?:helpful\s+|new\s+)?(?:assistant|ai|language "
    r"model|chatbot|editor)\b",
    r"(?:^|\n|[.!?]\s+)(?:system|assistant|developer)\s*(?:prompt|message)?\s*:",
    r"<\|?\s*(?:im_start|im_end|system|endoftext|assistant|user)\s*\|?>",
    r"\[/?INST\]|<</?SYS>>",
    r"#{2,}\s*(?:instruction|system|response|new task)",
    r"\b(?:rank|rate|score|list|feature|select|recommend|put)\s+(?:this|our|the\s+present)\s+"
    r"(?:paper|work|article|submission)\s+(?:first|highest|at\s+the\s+top|as\s+(?:the\s+)?best|"
    r"above)",
    r"\b(?:respond|reply|answer|output|print|say)\s+(?:only\s+)?(?:with|exactly|the\s+following)"
    r"\s*[:\"']",
    r"\bnew\s+instructions?\s*:",
    r"\bdo\s+not\s+(?:follow|obey)\s+(?:the|your|any)\s+(?:instructions|rules)",
    r"\b(?:this|the\s+present)\s+(?:paper|work)\s+(?:must|should)\s+be\s+(?:ranked|rated|"
    r"selected|featured)",
]
INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
REMOVED = "[instruction-like text removed]"


def neutralise(text: str | None) -> tuple[str, int]:
    """Replace instruction-like spans with a marker; return the text and how many."""
    if not text:
        return text or "", 0
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        count += 1
        lead = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip())]
        return lead + REMOVED

    return INJECTION.sub(replace, text), count


def has_injection(text: str) -> bool:
    return bool(INJECTION.search(text or "")) or REMOVED in (text or "")


def fence(text: str) -> str:
    """Keep paper text from closing or opening a data block."""
    return (text or "").replace("<<<", "\u2039\u2039\u2039").replace(">>>", "\u203a\u203a\u203a")
