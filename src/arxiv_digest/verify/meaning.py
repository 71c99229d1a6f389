"""The meaning check: a number in our text must say what its source says about it — the
same quantity, the same direction, the same subject — not only appear there.

Both sides are read by the same binder (:mod:`arxiv_digest.text.binding`): each number of our
sentence is bound in our sentence, and compared with the bindings of the same number in
the cited source. Our text may say less than the source (no direction, no subject), never
something else: "200–800× speed-up" for a source's "200–800× larger error" fails on the
quantity; "reduces FID by 12%" for a source's "increases FID by 12%" on the direction;
"LGS reaches Ω(1/T)" for a barrier the source attributes to a baseline on the subject.
A starting value ("from 82.0% to 91.8%") is the baseline's level, so "reaches 82.0% higher
accuracy" fails on direction and subject; a number the source states as a level
("achieving 91.9% PickScore") fails when our text gives it a direction; a ratio of how
much more something moves ("moves FID 3.2× more") is a change in that quantity, never the
quantity itself ("3.2× more FID"). A level the source compares ("from 82.0% to 91.8%",
"lower MSE (22.59 vs. 24.67)") may be restated as a plain level ("reaches 91.8%") or as
the same comparison, never as a change by that much ("91.8% higher accuracy"); a level
our text says a verb raised or cut ("raises MSE to 22.59") must go the source's way.
"""

from __future__ import annotations

import re
from functools import lru_cache

from arxiv_digest.text.binding import Binding, bind_claim, same_quantity
from arxiv_digest.text.binding_words import is_change_of, quantity_words
from arxiv_digest.text.claims import extract_text, number_key
from arxiv_digest.memo import remembered_here

_OWN = {"method", "finding"}


_CHANGE_UNITS = ("%", "\u00d7", "points")


@remembered_here
@lru_cache(maxsize=256)
def source_bindings(text: str, names: tuple[str, ...]) -> dict[str, list[tuple]]:
    """Each number of a source text (by its digits): its binding, sentence and unit."""
    found: dict[str, list[tuple]] = {}
    for claim in extract_text(text, "source"):
        found.setdefault(number_key(claim.text), []).append(
            (bind_claim(claim, names), claim.sentence, claim.unit))
    return found


def compatible(ours: Binding, our_unit, theirs: Binding, their_sentence: str,
               their_unit) -> bool:
    """Our binding says nothing the source's does not."""
    if ours.role == "result" and theirs.role in ("setting", "name", "count") and ours.quantity \
            and not same_quantity(ours.quantity, theirs.quantity):
        return False                       # a setting, size or name shown as a result
    if their_unit in ("%", "\u00d7") and our_unit not in ("%", "\u00d7"):
        return False                       # "3.3× fewer FLOPs" is not "FLOPs 3.3"
    if theirs.direction != "none" and not theirs.level and ours.direction == "none" \
            and our_unit in _CHANGE_UNITS:
        return False                       # a change ("drops of 18.9 points") shown as a level
    if ours.direction != "none" and theirs.direction != "none" and ours.level != theirs.level:
        return False                       # "91.8% higher accuracy" for "from 82.0% to 91.8%"
    if ours.quantity and theirs.quantity and is_change_of(ours.quantity) != is_change_of(
            theirs.quantity):
        return False                       # "3.2× more FID" for "moves FID 3.2× more"
    if ours.quantity and theirs.quantity and not same_quantity(ours.quantity, theirs.quantity):
        if not quantity_words(ours.quantity) <= quantity_words(their_sentence):
            return False
    if ours.quantity and not theirs.quantity and theirs.role == "result":
        if not quantity_words(ours.quantity) <= quantity_words(their_sentence):
            return False                   # a quantity the source never names
    if ours.direction != "none" and ours.direction != theirs.direction:
        return False
    if ours.reached != "none" and _way(theirs) not in ("none", ours.reached):
        return False                       # "raises MSE to 22.59" for a lower MSE
    if ours.subject and theirs.subject and ours.subject != theirs.subject and not (
            ours.subject in _OWN and theirs.subject in _OWN):
        return False
    return True


def meaning_problem(segment: str, sources: list, names: tuple[str, ...]) -> str | None:
    """Why a number of ``segment`` misstates its source, or None. The paper's own name is
    read as "ours" (a name such as "Improved Baselines" is not a direction word)."""
    for name in sorted(names, key=len, reverse=True):
        if name:
            segment = re.sub(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", "ours", segment)
    for claim in extract_text(segment, "digest"):
        key = number_key(claim.text)
        if not key:
            continue
        ours = bind_claim(claim, names)
        if ours.role != "result":
            continue
        candidates = [entry for s in sources
                      for entry in source_bindings(s.text, names).get(key, [])]
        if not candidates:
            continue                       # located as a bare number: the number check rules
        if not any(compatible(ours, claim.unit, theirs, sentence, unit)
                   for theirs, sentence, unit in candidates):
            theirs = candidates[0][0]
            return (f"{claim.text} is {_said(theirs)} in its source, not {_said(ours)}")
    return None


def _way(b: Binding) -> str:
    """Which way the source moves the number's quantity: its change, or the way a verb
    moved it to the level reached."""
    return b.direction if b.direction != "none" else b.reached


def _said(b: Binding) -> str:
    parts = [b.quantity or "an unnamed quantity"]
    if _way(b) != "none":
        parts.append({"up": "going up", "down": "going down"}[_way(b)])
        if b.direction != "none":
            parts.append("(the level reached)" if b.level else "by this much")
    if b.subject:
        parts.append(f"of the {b.subject}" if b.subject != "finding" else "as a finding")
    return " ".join(parts)
