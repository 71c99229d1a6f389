"""What a number means in its own clause: the quantity it measures, which way it moves,
whose number it is, and under what condition — read from the words around it.

A claim from :mod:`arxiv_digest.text.claims` is a number with its unit, metric and sentence.
Binding reads the number's clause (not the whole sentence) and decides:

* ``role``: ``result`` (an outcome: a score, a gain, an error, a bound), ``setting`` (a
  condition: a resolution, a step count, a sparsity level, a model size), ``name`` (part
  of a model's name: "Stable Diffusion 3", "AIME'24"), ``count`` (how many benchmarks or
  tasks), or ``other``;
* ``quantity``: what it measures, in the source's words ("training FLOPs", "error", "FID");
* ``direction``: ``up``, ``down`` or ``none`` — relative to that quantity, as the source
  states it ("200–800× larger error" is error up; "3.3× fewer training FLOPs" is FLOPs
  down; "improves FID" is FID down, "improves energy efficiency" efficiency up: the head
  noun decides). Only a change word that governs this number gives one; a number beside
  its metric is a level ("achieving 91.9% PickScore": none), and so is the starting value
  A of "from A to B", which is the baseline's. A may carry a parenthesis or a short
  qualifier before "to" ("from 82.0% with the best heuristic schedule to 91.8%"), and the
  pair may be written "to B from A". The end B of a pair and the A of a compared pair
  under a comparative ("lower MSE (22.59 vs. 24.67)") are ``level`` results: their
  direction is the way they differ from the other value, never a change by that much. A
  verb that names its way ("raises", "cuts") says which way the pair is stated to move,
  even against its numbers; a level it reaches ("raises MSE to 22.59") keeps direction
  none and records the verb's way as ``reached``;
* ``subject``: ``method`` (the paper's own method), ``baseline`` (a compared or critiqued
  approach: "isotropic covariances suffer Ω(1/T)", "DSVI baseline of 0.017"), ``finding``
  (a fact about a phenomenon: "we find that DINOv2 exhibits 7.3× higher rank"), or None.
  A baseline named only as what the sentence compares with ("lower loss than the
  unpruned baseline (0.0236 vs. 0.0240) and …") owns none of the numbers after it; in
  "A vs. B" A is the sentence's subject's and B the compared side's; in "from A (the
  baseline's) to B", B is the method's;
* ``condition``: "at 50% sparsity", "on ImageNet 256×256".

A binding is ``confident`` only when it is a result whose quantity is named and whose
subject is known and whose direction is not contradicted next to the number — never a
starting value, a change of a quantity ("moves FID 3.2× more": change in FID), a spread,
or a correlation whose sentence does not say what it relates. Only
confident bindings become highlights; the verifier compares the binding of each number
in our text with its binding in the source. Everything reads bounded windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from arxiv_digest.text.binding_words import (
    BASELINE_CUE, BASELINE_OBJECT, BOUND_THAN, BOUNDARY, CHANGE_NOUN, CHANGE_VERB, DOWN,
    FINDING_CUE,
    METHOD_CUE, METRIC, NAME_AFTER, NAME_BEFORE, NAMED_SETTING, NOUN_CHANGE, SETTING_AFTER,
    SETTING_BEFORE,
    SPEED, STOP, TIME_UNITS, UP, WORD, canonical_metric, change_direction, is_change_of,
    quantity_words, states_way,
)
from arxiv_digest.text.claims import CHANGED_BEFORE, PAIR_ASIDE, unit_words
from arxiv_digest.memo import remembered_here

WINDOW = 110                    # characters of clause read on either side of a number


class Role(StrEnum):
    """What a number is in its clause."""

    RESULT = "result"
    SETTING = "setting"
    NAME = "name"
    COUNT = "count"
    OTHER = "other"


class Direction(StrEnum):
    """Which way a number moves its quantity, as the source states it."""

    UP = "up"
    DOWN = "down"
    NONE = "none"


class Subject(StrEnum):
    """Whose number it is."""

    METHOD = "method"
    BASELINE = "baseline"
    FINDING = "finding"


@dataclass(frozen=True)
class Binding:
    role: Role
    quantity: str | None
    direction: Direction
    subject: Subject | None       # None: not said
    condition: str | None
    confident: bool
    phrase: str                   # a short rendering faithful to the source's words
    reached: str = "none"         # a level reached by a verb that names its way ("raises
                                  # MSE to 22.59": up); the level itself has no direction
    level: bool = False           # a level compared with another: either end of "from A
                                  # to B", A of "lower MSE (A vs. B)"; its direction is the
                                  # way it differs from the other, never a change by A

    def __post_init__(self):
        """The vocabularies as enums, whatever the binder's rules return (equal to their
        strings, so nothing that compares or prints them changes)."""
        object.__setattr__(self, "role", Role(self.role))
        object.__setattr__(self, "direction", Direction(self.direction))
        object.__setattr__(self, "reached", Direction(self.reached))
        if self.subject is not None:
            object.__setattr__(self, "subject", Subject(self.subject))


def clause_of(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause holding ``sentence[start:end]``, within a bounded window."""
    lo, hi = max(0, start - WINDOW), min(len(sentence), end + WINDOW)
    left = lo
    for match in BOUNDARY.finditer(sentence, lo, start):
        left = match.end()
    found = BOUNDARY.search(sentence, end, hi)
    return left, (found.start() if found else hi)


def bind(sentence: str, start: int, end: int, *, unit: str | None = None,
         metric: str | None = None, comparison: str | None = None, kind: str | None = None,
         names: tuple[str, ...] = ()) -> Binding:
    """Bind the number at ``sentence[start:end]`` to its quantity, direction and subject."""
    c_lo, c_hi = clause_of(sentence, start, end)
    before, after = sentence[c_lo:start], sentence[end:c_hi]
    number = sentence[start:end]
    listed = False
    if unit in _LIST_UNITS and not re.search(r"\bbetween\s*$", before):
        before, after, listed = _in_list(before, after)
    metric = _metric_in_clause(before, after) or None
    bare = re.search(r"([\-+\u2212]?\d[\d.,]*\S*?)\s*(?:to|(\u2192|->|\u27f6))\s*$", before)
    if bare and not (comparison or "").startswith("from") and (
            bare.group(2) or CHANGED_BEFORE.search(before, max(0, bare.start() - 60),
                                                    bare.start())):
        comparison = f"from {bare.group(1)} to {number}"     # "boosts X (GenEval: A to B)"
    reverse = _FROM_AFTER.match(after) if _TO_BEFORE.search(before) else None
    if reverse and not (comparison or "").startswith("from") and CHANGED_BEFORE.search(
            before[-80:]):
        comparison = f"from {reverse.group('a').rstrip('.,')} to {number}"   # "to B from A"
    start_of = _starting_value(number, before, after, comparison)
    if start_of:
        comparison = start_of
    else:
        spelled = _SPELLED_PAIR.search(before[-110:])
        if spelled and not (comparison or "").startswith("from"):
            words = unit_words(spelled.group("aside"))
            words = f" {words}" if words else ""
            comparison = f"from {spelled.group('a')}{words} to {number}"
    between = re.match(r"^\s*and\s+([\-\u2212]?\d[\d.,]*\S*)", after) \
        if re.search(r"\bbetween\s*$", before) else None
    if between and not comparison:
        comparison = f"between {number} and {between.group(1).rstrip('.,;')}"
    role = _role(number, before, after, unit, metric, comparison, kind)
    quantity, word = _quantity(number, before, after, metric, unit, role, kind)
    if quantity and _BARE_CHANGE.fullmatch(quantity):
        quantity = None                      # "gains of 4.1%": a gain of what, it does not say
    if quantity is None and role == "result":
        quantity = _shared_quantity(before, metric, unit)
    against = _compared_with(sentence, c_lo, start, names) if role in ("result", "other") \
        and not start_of else None
    if against is not None:
        return against
    if start_of:
        direction, subject = "none", "baseline"     # the level before: the baseline's
    else:
        direction = _direction(number, before, after, quantity, comparison, word)
        subject = _subject(sentence[:start], before, after, comparison, names)
    condition = None if listed and re.search(r"\brespectively\b", sentence, re.I) else \
        _condition(before, after)
    relation = _relation(sentence, quantity)
    named = re.search(r"\b(?:Pearson|Spearman|Kendall)(?:'s)?\s+(?:rank\s+)?correlation", before)
    if relation and quantity == "correlation" and named:
        quantity = named.group(0)                   # "Pearson correlation"
    confident = (role == "result" and quantity is not None and subject is not None
                 and quantity != "p-value" and not start_of and relation is not False
                 and not _UNCERTAINTY.search(before) and not number.startswith("\u00b1")
                 and not is_change_of(quantity) and bool(quantity_words(quantity))
                 and not _conflicting(before, after, word)
                 and _sure(number, sentence[:start], after, quantity, direction, subject,
                           comparison, unit, names))
    versus = _VERSUS_B.match(after) if not start_of and not word and direction != "none" \
        and _versus_word(before, after) else None
    if start_of and role == "result" and quantity:
        phrase = f"starting {quantity} {_qualified(number, before)}"
    elif versus and role == "result" and quantity:    # "lower MSE (22.59 vs. 24.67)"
        said = "" if _COMPARATIVE.match(quantity) else f"{_comparative(direction, quantity)} "
        phrase = f"{said}{quantity} ({number} vs {versus.group(1)})"   # or "more accurate (…"
    else:
        phrase = _phrase(_qualified(number, before), quantity, direction, word, comparison,
                         condition, role, relation or None)
    reached = _reached_way(before, quantity) if direction == "none" else "none"
    level = bool(start_of or versus) or (comparison or "").startswith("from")
    return Binding(role, quantity, direction, subject, condition, confident, phrase, reached,
                   level)


# A quantity that only names a change ("average gains"): a change of what, it does not say.
_BARE_CHANGE = re.compile(r"(?:(?:average|mean|relative|absolute|overall)\s+)*(?:gains?|"
                          r"improvements?|increases?|reductions?|decreases?|drops?|boosts?|"
                          r"rises?|declines?|cuts?|savings?)", re.I)
# "86.70 +/- 0.02%": a spread, never a headline.
_UNCERTAINTY = re.compile(r"(?:\+/-|\u00b1|\\pm)\s*$")
_QUALIFIER_WORDS = (r"(?:(?:up to|about|around|roughly|nearly|almost|approximately|only|just|"
                    r"over|more than|less than)\s+)?")
_B_QUALIFIER = r"(?:(?:about|around|roughly|nearly|approximately|near|only|just)\s+)?"
_PAIR_UNIT = r"(?:\s?(?:%|\u00d7|x|dB|points|pp|s|ms|seconds|steps|GB)(?![a-zA-Z]))?"
_ASIDE = PAIR_ASIDE + "?"          # what A may carry before "to" (see claims)
_SPELLED_PAIR = re.compile(
    r"\bfrom\s+" + _QUALIFIER_WORDS + r"(?P<a>[\-+\u2212]?\d[\d.,]*" + _PAIR_UNIT + r")"
    r"(?P<aside>" + _ASIDE + r")\s*(?:to|\u2192|->|\u27f6)\s*" + _B_QUALIFIER + "$")
_PAIR_NUMBER = r"[\-+\u2212]?\.?\d[\d.,]*" + _PAIR_UNIT
# "to B from A", the pair written the other way round after a change verb.
_TO_BEFORE = re.compile(r"\bto\s+" + _QUALIFIER_WORDS + r"$", re.I)
_FROM_AFTER = re.compile(r"^\s*from\s+" + _QUALIFIER_WORDS + r"(?P<a>" + _PAIR_NUMBER + r")",
                         re.I)
_TO_B_FROM = re.compile(r"\bto\s+" + _QUALIFIER_WORDS + r"(?P<b>" + _PAIR_NUMBER + r")\s+from\s+"
                        + _QUALIFIER_WORDS + r"$", re.I)
_PAIR_REST = re.compile(r"^" + _ASIDE + r"\s*(?:to|\u2192|->|\u27f6)\s*" + _B_QUALIFIER
                        + r"[\-+\u2212]?\.?\d")


def _shared_quantity(before: str, metric: str | None, unit: str | None) -> str | None:
    """The quantity of an earlier pair the number's pair continues ("improving FID from
    8.26 to 6.27 on SiT, 32.39 to 26.69 on JiT")."""
    earlier = None
    for earlier in re.finditer(r"\bfrom\s+[\-+\u2212]?\d[^;]{0,80}?\bto\s+[\-+\u2212]?\d",
                               before):
        pass
    if earlier is None:
        return None
    return _quantity_before(before[:earlier.start()] + "from ", metric, unit)[0]


def _compared_with(sentence: str, c_lo: int, start: int, names) -> Binding | None:
    """A number the source compares another with ("0.8615 shape CLIP score (vs. 0.8450)",
    "RMSE 0.716 vs. 0.764"): the baseline's level of the other number's quantity."""
    before = sentence[c_lo:start]
    cue = re.search(r"(?:\bvs\.?|\bversus|\bcompared (?:to|with))\s*$", before)
    if not cue:
        return None
    other = None
    for other in re.finditer(r"(?<![\w.\-/])[\-+\u2212]?\d[\d.,]*"
                             r"(?:\s?(?:%|\u00d7|x|[KMB])(?![A-Za-z]))?", before[:cue.start()]):
        pass
    if other is None or other.end() < cue.start() - 60:
        return None
    head = bind(sentence, c_lo + other.start(), c_lo + other.end(), names=names)
    if head.role != "result" or not head.quantity:
        return None
    number = sentence[start:start + len(sentence[start:].split()[0])].rstrip(".,;)")
    return Binding("result", head.quantity, "none", "baseline", head.condition, False,
                   f"{head.quantity} {number} (the baseline's)")


_LIST_UNITS = ("%", "\u00d7", "dB", "points")
_LIST_ITEM = (r"[\-+\u2212]?\d[\d.,]*\s?(?:%|\u00d7|x|dB|pp|points)(?![A-Za-z])"
              r"(?:\s+(?:on|in|for|at)\s+[\w\-.]+(?:\s[A-Z0-9][\w\-.]*)?)?")
_LIST_JOIN = r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|/)\s*"
_LIST_BEFORE = re.compile(r"(?:(?<![\w.\-/])" + _LIST_ITEM + _LIST_JOIN + r")+$")
_LIST_AFTER = re.compile(r"^(?:" + _LIST_JOIN + _LIST_ITEM.replace(
    r"(?:\s+(?:on|in|for|at)", r"(?:(?=\s*,)\s+(?:on|in|for|at)") + r")+")


def _in_list(before: str, after: str) -> tuple[str, str, bool]:
    """For a number in a list of like numbers ("by up to 65%, 12%, and 24% on phones…",
    "3.13x, 2.59x, and 1.67x DiT speedups"), the words before the list's first number
    and after its last: what governs one governs them all."""
    head = _LIST_BEFORE.search(before)
    tail = _LIST_AFTER.match(after)
    if not head and not tail:
        return before, after, False
    return (before[:head.start()] if head else before,
            after[tail.end():] if tail else after, True)


def _starting_value(number: str, before: str, after: str, comparison: str | None) -> str:
    """The pair ("from A to B") when the number is its A — the level the change starts
    from, whatever stands between A and "to" ("from 82.0% (best heuristic schedule) to
    91.8%") — else ''. A bare "A to B" after a "from" pair is one too ("from 8.26 to 6.27
    on SiT, 32.39 to 26.69 on JiT"), and so is the A of "lowers X to B from A"."""
    turned = _TO_B_FROM.search(before)
    if turned and not (comparison or "").startswith("from") and CHANGED_BEFORE.search(
            before[:turned.start()][-80:]):
        return f"from {number} to {turned.group('b').rstrip('.,')}"
    rest = _PAIR_REST.match(after)
    if not rest:
        return ""
    written = re.match(r"^from\s+(\S+)", comparison or "")
    if re.search(r"\bfrom\s+" + _QUALIFIER_WORDS + r"$", before, re.I) or re.match(
            r"^\s*(?:\u2192|->|\u27f6)", after) or (
            written and number_digits(written.group(1)) == number_digits(number)) or (
            re.match(r"^\s*(?:to|\u2192|->)", after) and (re.search(
                r"\bfrom\s+[\-+\u2212]?\d[^;]{0,80}?\bto\s+[\-+\u2212]?\d", before)
                or CHANGED_BEFORE.search(before[-60:]))):
        if written:
            return comparison
        b = re.match(r"[\-+\u2212]?\.?\d[\d.,]*" + _PAIR_UNIT, after[rest.end() - 1:])
        b_text = b.group(0).rstrip(".,") if b else "?"
        return f"from {number} to {b_text}"
    return ""


def number_digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text).strip(".")


_RELATION = re.compile(r"\b(?:correlat\w*|similarit\w*|agreement|pearson|spearman|kendall)\b",
                       re.I)
_ARGUMENTS = re.compile(
    r"\b(?:correlat\w*|similarit\w*|agreement)\s+(?:of\s+(?P<of>[A-Za-z][\w\-]*(?:\s+[\w\-]+)?)"
    r"\s+)?(?:between\s+(?P<a>[A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*)?)\s+and\s+"
    r"(?P<b>[A-Za-z][\w\-]*(?:\s+(?!across|on|in|for|with|at|is|are|was)[a-z][\w\-]*)?)|"
    r"with\s+(?P<w>(?:the\s+)?[A-Za-z][\w\-]*(?:\s+(?!across|on|in|for|at|is|are|was)"
    r"[a-z][\w\-]*)?))", re.I)
_RELATED_OF = re.compile(r"\b(?P<of>[A-Za-z][\w\-]*(?:\s+[a-z][\w\-]*)?)\s+(?:shows?|has|have|"
                         r"exhibits?)\s+(?:(?:no|a|an|only|weak|strong|high|low|little|"
                         r"moderate)\s+)*correlation", re.I)


def _relation(sentence: str, quantity: str | None):
    """For a relation between two things (a correlation, a similarity, an agreement): what
    it relates, as the sentence says it ("of method ranking between ImageNet and T2I
    generation"), or False when the sentence does not say. None for other quantities."""
    if not quantity or not _RELATION.search(quantity):
        return None
    found = _ARGUMENTS.search(sentence)
    if not found:
        return False
    of = found.group("of")
    if not of:
        subject = _RELATED_OF.search(sentence)
        of = subject.group("of") if subject and subject.group("of").split()[0].lower() not in (
            "it", "this", "that", "which", "there") else None
    text = f"of {of} " if of else ""
    if found.group("a"):
        return text + f"between {found.group('a')} and {found.group('b')}"
    return text + f"with {found.group('w')}"


def _sure(number, before, after, quantity, direction, subject, comparison, unit,
          names) -> bool:
    # ``before`` is the sentence up to the number: the paper may name itself at its start.
    """Each part of the binding rests on words right beside the number: the quantity is
    named within a few words, a direction is stated next to it (a ratio always states
    one), and the paper speaks of itself in the clause (or reports a finding)."""
    reach = 110 if (comparison or "").startswith("from") else 45   # the pair's verb
    near = (before[-reach:] + " " + after[:45]).lower()
    if quantity == "speed":
        named = bool(SPEED.search(near))
    else:
        named = all(w in near for w in quantity.lower().split()[:2])
    if direction == "none":
        stated = not (unit == "\u00d7" or number.endswith(("x", "times", "fold")))
    else:
        window = before[-50:] + " " + after[:30]
        stated = bool(comparison) or bool(UP.search(window) or DOWN.search(window)
                                          or CHANGE_VERB.search(window) or SPEED.search(near)
                                          or _MARGIN.search(before[-90:]))
    if subject == "method":
        spoken = _last_own(before, names) is not None or bool(re.search(
            r"\b(?:outperform\w*|surpass\w*|beat\w*|exceed\w*)\b", before, re.I))
    else:
        spoken = subject == "finding"
    return named and stated and spoken


def bind_claim(claim, names: tuple[str, ...] = ()) -> Binding:
    """Bind a :class:`~arxiv_digest.text.claims.Claim` in its own sentence (remembered: the
    writer, the highlight and the verifier ask for the same claims; a binding is frozen)."""
    offset = claim.number_start - claim.start
    return _bound(claim.sentence, offset, offset + (claim.number_end - claim.number_start),
                  claim.unit, claim.metric, claim.comparison, claim.kind, tuple(names))


@remembered_here
@lru_cache(maxsize=8192)
def _bound(sentence, start, end, unit, metric, comparison, kind, names) -> Binding:
    return bind(sentence, start, end, unit=unit, metric=metric, comparison=comparison,
                kind=kind, names=names)


def same_quantity(a: str | None, b: str | None) -> bool:
    """Two quantity phrases name the same thing (share a content word)."""
    wa, wb = quantity_words(a), quantity_words(b)
    if not wa or not wb:
        return (a or "").strip().lower() == (b or "").strip().lower()
    return bool(wa & wb)


# -- role -----------------------------------------------------------------------------------

def _role(number, before, after, unit, metric, comparison, kind) -> str:
    if kind == "bound":
        return "result"
    if kind == "count":
        return "count"
    if re.search(r"[A-Za-z]['\u2019]$", before) or (NAME_AFTER.match(after) and not unit) or (
            NAME_BEFORE.search(before[-14:]) and not unit and not _metric_attached(before)):
        return "name"
    if re.search(r"\d\s?[\u00d7x]\s?\d", number) or re.match(r"^\s?[\u00d7x]\s?\d", after) or \
            re.match(r"^-[a-z]", after) or re.match(
                r"^\s*(?:and (?:even )?[\d.]+\s?[\u00d7x]\s+)?(?:upscal|super-resol|zoom|"
                r"downsampl)", after, re.I):
        return "setting"                     # a resolution, "4-step", "4× upscaled"
    if re.search(r"\bp\s*[=<\u2264]\s*$", before[-6:]):
        return "result"                      # a p-value
    beside = bool(re.match(r"^\s*(?:lower|higher|fewer|more|less|larger|smaller|greater|"
                           r"better|worse|faster|slower)\b", after, re.I)
                  or DOWN.search(before[-16:]) or NOUN_CHANGE.match(after))
    moved = beside or bool(_governing(number, before, after))   # a change word of its own
    if unit in ("parameters", "K", "M", "B", "steps", "GPUs") and not beside:
        return "setting"                     # a size, a step count, a number of GPUs
    if NAMED_SETTING.search(before[-30:]) and not moved:
        return "setting"                     # "block size of 16", "batch size 256"
    if SETTING_BEFORE.search(before[-30:]) and not moved and (
            SETTING_AFTER.match(after) or not (unit or metric)):
        return "setting"
    if SETTING_AFTER.match(after) and not moved and unit not in TIME_UNITS:
        return "setting"
    if unit or metric or comparison or kind == "bound":
        return "result"
    return "other"


def _metric_attached(before: str) -> bool:
    """A metric names the number right before it ("FID 2.0", "FID of 2.0")."""
    found = None
    for found in METRIC.finditer(before[-24:]):
        pass
    return bool(found and re.match(r"\s*(?:of|=|:|is|to|at)?\s*[(~\u2248]?\s*$",
                                   before[-24:][found.end():]))


def _metric_in_clause(before: str, after: str) -> str:
    """The metric named nearest before the number in its clause (no other number between),
    else one right after it. A one-letter metric (r) counts only written as ``r = …``."""
    last = None
    for match in METRIC.finditer(before):
        if not canonical_metric(match.group(1)) or (
                len(match.group(1)) == 1 and not re.match(r"\s*[=:]", before[match.end():])):
            continue                         # "is" is not IS; a lone "r" is not Pearson's r
        if re.search(r"\d\s?$|\d\S*\s*\(\s*[\w\-]*$", before[:match.start()]):
            continue                         # "10 steps", "5.7% (I-AUROC)": another number's
        last = match
    if last is not None and not re.search(r"\d", before[last.end():]):
        return canonical_metric(last.group(1))
    ahead = next((m for m in METRIC.finditer(after[:24]) if canonical_metric(m.group(1))), None)
    if ahead and len(ahead.group(1)) > 1 and not re.search(r"\d", after[:ahead.start()]):
        return canonical_metric(ahead.group(1))
    if last is not None and len(before) - last.end() < 60:
        return canonical_metric(last.group(1))
    return ""


# -- quantity -------------------------------------------------------------------------------

def _quantity(number, before, after, metric, unit, role, kind):
    """(quantity, the source's own direction word or change noun beside the number)."""
    if role in ("name", "count", "other"):
        return None, ""
    if re.search(r"\bp\s*[=<\u2264]\s*$", before[-6:]):
        return "p-value", ""
    lead = re.match(r"^\s*(?:(lower|higher|fewer|more|less|larger|smaller|greater|better|"
                    r"worse|faster|slower)\s+|(?:relative|absolute|average|mean|overall)\s+)?",
                    after, re.I)
    word = (lead.group(1) or "").lower()
    since = re.split(r"\d", before[-40:])[-1]        # this number's speed word, not an earlier one
    if word in ("faster", "slower") or ((unit == "\u00d7" or number.endswith("times")) and not word
                                        and (SPEED.search(since) or SPEED.match(after))):
        return "speed", word if word in ("faster", "slower") else ""
    rest = re.sub(r"^\s*(?:the\s+)?(?:baseline|original|teacher|reference)'s\s+", " ",
                  after[lead.end():], flags=re.I)
    if word in ("smaller", "larger", "bigger") and _adverbial(rest):
        return "size", word                        # "models up to 42% smaller than X"
    aside = re.search(r"(?<![\w.])((?:[A-Za-z][\w\-]*\s+){0,1}[A-Za-z][\w\-]*)\s*\(\s*"
                      + _QUALIFIER_WORDS + r"$", before)
    if word in ("more", "less") and _adverbial(rest) and aside:
        return aside.group(1), word                # "0.8M frames (6–13× less than …)"
    if word in ("more", "less") and _adverbial(rest):
        moved = _moved(before, metric)             # "moves FID 3.2× more (…) than"
        return (f"change in {moved}" if moved else None), word
    change = NOUN_CHANGE.match(rest)
    if change:                                         # "44.1% decrease in LPIPS"
        return _head(change.group("q")), change.group("noun").lower()
    if re.match(r"^\s*(?:reduction|decrease|increase|improvement|gain|drop|boost)s?\b", rest,
                re.I):
        return None, ""                                # a change of what, it does not say
    multiple = re.match(r"^\s*(?:the|as much|as many)\s+((?:[\w\-]+\s){0,2}[\w\-]+)", rest)
    if multiple and (unit == "\u00d7" or number.endswith(("x", "times"))):
        return _head(multiple.group(1)), word          # "2x the throughput"
    words = _words(rest)
    if words and not re.match(r"^\s*(?:of|in|on|to)\b", rest) and (
            unit in ("%", "\u00d7", "points", None) or word or kind == "bound"):
        last = words[-1].lower()
        last = last[:-1] if last.endswith("s") and last != "loss" else last
        noun = last if last in ("loss", "drop", "gain", "reduction", "increase",
                                "improvement") else ""
        kept = words[:-1] if noun else words
        if kept and (unit or word or kind == "bound" or noun):
            return _head(" ".join(kept)), word or noun
    changed = _changed_noun(before)
    if changed:
        return changed                                 # "BD-rate reductions of 21.66% in PSNR"
    of = re.match(r"^\s*(?:of|in)\s+(?:the\s+)?((?:[\w\-]+\s){0,2}[\w\-]+)", after)
    if of and unit in ("%", "points", "\u00d7") and of.group(1).split()[0].lower() not in STOP \
            and not of.group(1).split()[0].lower().endswith("ing"):
        kept = []
        for part in of.group(1).split():
            if part.lower() in STOP or re.search(r"\d", part) and kept:
                break
            kept.append(part)
        return _head(" ".join(kept)), word
    quantity, verb = _quantity_before(before, metric, unit)
    return quantity, word or verb


def _adverbial(rest: str) -> bool:
    """"more"/"less" modifies a verb, not a noun: nothing but "than", a parenthesis, a
    preposition or the clause's end follows it ("moves FID 3.2× more (in feature space)
    than …")."""
    first = re.match(r"^\s*([A-Za-z][\w\-]*|\S)?", rest).group(1)
    return first is None or not first[:1].isalpha() or first.lower() in STOP


def _moved(before: str, metric: str | None) -> str | None:
    """What a verb moves, when a ratio says how much more it moves it: the metric of the
    clause, else the words between the verb and the number."""
    if metric:
        return metric
    words = [w for w in re.findall(r"[A-Za-z][\w\-]*", before[-40:]) if w.lower() not in STOP]
    return " ".join(words[-2:]) if words else None


# What joins a change noun to its amount: "drops of", "gains by", "gains as high as".
_OF_BY = r"(?:of|by|as\s+(?:high|large|much|great)\s+as)"
_SWINGS = r"(?:swings?|variations?|fluctuations?|changes?|shifts?)"


def _changed_noun(before: str) -> tuple[str, str] | None:
    """(quantity, change noun) when the number ends "X drops of up to", "BD-rate reductions
    of"; a change of no stated way ("accuracy swings of up to 32 points") is a change in X,
    with no direction."""
    noun = re.search(r"\b((?:[A-Za-z][\w\-@]*\s){0,2}?[A-Za-z][\w\-@]*)\s+(" + CHANGE_NOUN
                     + "|" + _SWINGS + r")\s+" + _OF_BY + r"\s+" + _QUALIFIER_WORDS + r"$",
                     before[-80:], re.I)
    if not noun or noun.group(1).split()[-1].lower() in STOP:
        return None
    words = noun.group(1).split()
    kept = words[-2:] if len(words) > 1 and re.search(r"[A-Z\d\-]", words[-2]) else words[-1:]
    if re.fullmatch(_SWINGS, noun.group(2), re.I):
        return f"change in {' '.join(kept)}", ""
    return " ".join(kept), noun.group(2).lower()


def _quantity_before(before: str, metric: str | None, unit: str | None):
    """(quantity, verb) from the words before the number: "reduces the path KL to",
    "improves accuracy on CIFAR-10 by", "FID of", "accuracy drops of up to"."""
    if _metric_attached(before) and metric:
        return metric, ""
    changed = _changed_noun(before)
    if changed:
        return changed
    verb = re.search(r"\b(reduc\w*|improv\w*|increas\w*|boost\w*|lower\w*|decreas\w*|rais\w*|"
                     r"cut\w*|drop\w*|gain\w*|speed\w*|enhanc\w*)\s+(?:the\s+|in\s+)?"
                     r"((?:[\w\-@]+\s){0,4}?[\w\-()@]+)(?:\s+(?:over|against|relative to|compared "
                     r"to)\s+[\w\-]+)?\s+(?:by|to|from\s+(?:\S+\s+){1,7}?to|from)\s*(?:up to\s+|"
                     r"about\s+|over\s+|roughly\s+|nearly\s+|almost\s+|just\s+)?$",
                     before[-100:], re.I)
    if verb:
        object_ = re.sub(r"^(?:number|amount|count)\s+of\s+", "", verb.group(2), flags=re.I)
        object_ = re.sub(r"\s+\w+ly$", "", object_)      # "inference time dramatically"
        head = re.split(r"\s(?:" + "|".join(sorted(STOP)) + r")\s", f" {object_} ")[0]
        return _tail(head), verb.group(1).lower()
    if metric:
        return metric, ""
    if _OUTDONE_BEFORE.search(before[-80:]):
        return None, ""                      # "outperforms Qwen2.5-VL-72B (50.5%": a model
    plain = re.sub(_QUALIFIER_WORDS + r"$", "", before[-40:], flags=re.I)   # not "up to"
    compared = _COMPARED_BEFORE.search(before[-80:])
    if compared:                             # "lower loss than the baseline (0.0236"
        plain = before[-80:][:compared.start()] + " ("
    named = re.search(r"(?<![\w.])((?:[A-Za-z][\w\-]*\s){0,2}[A-Za-z][\w\-]*)\s*(?:of|=|:|is|to|\()\s*"
                      r"[\u2265\u2264~\u2248<>]?\s*$", plain)
    if named and named.group(1).split()[-1].lower() not in STOP:
        return _tail(named.group(1)), ""
    if unit in TIME_UNITS:
        return "time", ""
    return None, ""


# The thing compared with, right before "(A vs. B)" or "(A": not the quantity.
_COMPARED_BEFORE = re.compile(r"(?<!\bmore)(?<!\bless)(?<!\brather)(?<!\bother)\s+(?:than|vs\.?|"
                              r"versus|compared (?:to|with)|relative to|against)\s+"
                              r"(?:the\s+|an?\s+)?(?:[\w\-.]+\s+){0,3}?[\w\-.]+\s*\(\s*$", re.I)
_OUTDONE_BEFORE = re.compile(r"\b(?:outperform\w*|surpass\w*|beat\w*|exceed\w*)\s+"
                             r"(?:the\s+|an?\s+)?(?:[\w\-.\u00d7]+\s+){0,3}?[\w\-.]+\s*\(\s*$",
                             re.I)


def _words(text: str, limit: int = 4) -> list[str]:
    """The words right after the number, up to a stop word or punctuation."""
    out, last = [], 0
    for match in WORD.finditer(text[:60]):
        between = text[last:match.start()]
        if match.group(0).lower() in STOP or len(out) >= limit or (
                out and between.strip(" -")) or (not out and between.strip()):
            break
        out.append(match.group(0))
        last = match.end()
    return out


def _head(phrase: str) -> str | None:
    words = [w for w in phrase.split() if w.lower() not in STOP]
    return " ".join(words[:3]) if words else None


def _tail(phrase: str) -> str | None:
    words = [w for w in phrase.split() if w.lower() not in STOP]
    return " ".join(words[-3:]) if words else None


# -- direction ------------------------------------------------------------------------------

def _direction(number, before, after, quantity, comparison, word) -> str:
    """Which way the number moves its quantity, from a change word that governs this very
    number — a comparative right after it ("12% lower"), a change noun ("12% reduction
    in", "drops of 18.9 points"), a verb whose phrase ends at it ("reduces FID by",
    "improves accuracy from A to"), a win's margin ("outperforms X by") or the pair it
    closes ("from A to B"). A number standing with its metric and no change word of its
    own ("achieving 91.9% PickScore", "FID of 2.1") is a level: none. Words elsewhere in
    the clause govern other numbers, never this one."""
    pair = re.match(r"^from\s+(-?[\d.,]+)(\D{0,40}?)\s*(?:\bto\b|\u2192|->)\s*(-?[\d.,]+)",
                    comparison or "")
    if pair and word and pair.group(2).strip():
        return _from_word(word, quantity)    # units differ: the verb says which way
    if pair:
        try:
            a, b = float(pair.group(1).replace(",", "")), float(pair.group(3).replace(",", ""))
        except ValueError:
            a = b = 0.0
        numeric = "up" if b > a else "down" if b < a else "none"
        verb = _pair_verb(before)
        said = change_direction(verb, quantity) if verb and states_way(verb) else "none"
        return said if said != "none" and numeric != "none" else numeric
    if quantity == "speed":
        return "down" if word == "slower" else "up"
    if _REACHED.search(before[-90:]):
        return "none"                        # "improves to 97.8%": the level reached
    if word:
        return _from_word(word, quantity)    # "gains of more than 10%": a bound on a change
    if re.search(r"(?:\b(?:less|more|fewer|greater|no more|no less)\s+than|\bat (?:most|least)|"
                 r"\bunder|\bwithin|\bbelow|\babove|[\u2264\u2265<>])\s*(?:about\s+|~)?$",
                 before[-20:], re.I):
        return "none"                        # a bound on a level, not a change
    compared = _versus_word(before, after)
    if compared:
        return _from_word(compared, quantity)   # "lower MSE (22.59 vs. 24.67)": a change
    if _MARGIN.search(before[-90:]):
        return _from_word("improves", quantity)   # a win's margin, the quantity's better way
    governing = _governing(number, before, after)
    if governing:
        return _from_word(governing, quantity)
    if re.search(r"\b(?:requires?|uses?|needs?|costs?|with|consum\w*)\s+(?:only|just|merely)\s+"
                 r"(?:about\s+|around\s+|roughly\s+|~)?$", before[-40:], re.I) and \
            re.match(r"^\s*(?:of|the)\b", after):
        return "down"                        # "requires only 19.3% of the training compute"
    times = re.match(r"^\s*(?:the|as much|as many)\b", after)
    value = re.match(r"[\d.]+", number)
    if times and value and number.endswith(("\u00d7", "x", "times")):
        return "up" if float(value.group(0).rstrip(".") or 0) >= 1 else "down"
    return "none"


_LEADING = _QUALIFIER_WORDS
# A change verb whose phrase ends in "to": the number is the level reached, not the change.
_REACHED = re.compile(r"(" + CHANGE_VERB.pattern + r")(?:(?!\bfrom\b|\bby\b)[^,;:\d]){0,60}?"
                      r"(?<!\bup )\bto\s+" + _QUALIFIER_WORDS + r"$", re.I)
# The margin of a win: "outperforms X by (an average of) up to", "outperforming HPSv3".
_MARGIN = re.compile(r"\b(?:outperform\w*|surpass\w*|beat\w*|exceed\w*)\b(?:[^,;]{0,60}\bby"
                     r"(?:\s+an?\s+(?:average|margin)\s+of)?|(?:\s+[A-Z][\w\-.+]*){1,3})\s*"
                     + _QUALIFIER_WORDS + r"$", re.I)


def _pair_verb(before: str) -> str:
    """The change verb whose phrase ends where the number's pair starts ("raises MSE from
    A to", "lowers MSE to"), or ''. A verb that names its way ("raises") says which way
    the pair is stated to move, even where its numbers go the other way."""
    tail = before[-110:]
    spelled = _SPELLED_PAIR.search(tail) or _TO_BEFORE.search(tail)
    if not spelled:
        return ""
    head = tail[:spelled.start()]
    found = ""
    for verb in CHANGE_VERB.finditer(head):
        if re.fullmatch(r"[^,;:\d]{0,60}", head[verb.end():]):
            found = verb.group(0)
    return found


_COMPARATIVE = re.compile(r"\b(?:lower|higher|fewer|more|less|smaller|larger|greater|better|"
                          r"worse|faster|slower)\b|" + CHANGE_VERB.pattern, re.I)


def _versus_word(before: str, after: str) -> str:
    """The comparative that governs "A vs. B" when the number is its A: the last one
    between the pair and the previous number or punctuation ("lower VAE reconstruction
    MSE (22.59 vs. 24.67)", "lower loss than the baseline, 0.0236 vs. 0.0240"), or ''.
    The word, not the order of the numbers, gives the way A differs from B."""
    if not _OPENS_VERSUS.match(after):
        return ""
    opener = re.search(r"[(,:]\s*$", before)
    if not opener:
        return ""
    span = re.split(r"[\d,;:()]", before[:opener.start()][-70:])[-1]
    own = re.match(r"^\s*(?:%|\u00d7|x|dB|pp|points?|times)?\s*(?:" + _COMPARATIVE.pattern
                   + r")", span, re.I)
    if own:
        span = span[own.end():]             # "62% fewer tokens (45,434 vs": 62%'s word
    found = None
    for found in _COMPARATIVE.finditer(span):
        pass
    return found.group(0) if found else ""


def _reached_way(before: str, quantity: str | None) -> str:
    """The way a verb that names its way moves a quantity to the level reached ("raises
    MSE to", "cuts latency to": up, down), or none ("improves accuracy to": which way is
    better decides, and the level says nothing more)."""
    found = _REACHED.search(before[-90:])
    if not found or not states_way(found.group(1)):
        return "none"
    return change_direction(found.group(1), quantity)


def _governing(number: str, before: str, after: str) -> str:
    """The change word that governs this number, or ''."""
    tail = before[-90:]
    verbs = list(CHANGE_VERB.finditer(tail))
    if verbs:
        last = verbs[-1]
        rest = tail[last.end():]
        ratio = re.search(r"(?:%|\u00d7|x|dB|pp|points?|times)$", number)
        if re.fullmatch(r"[^,;:\d]{0,60}?\b(?:by|to)\s+" + _LEADING, rest, re.I) or (
                ratio and re.fullmatch(r"\s*(?:by\s+)?" + _LEADING, rest, re.I)):
            return last.group(0)             # "reduces FID by", "cuts 40%", "saves up to"
    noun_of = re.search(r"\b(" + CHANGE_NOUN + r")\s+" + _OF_BY + r"\s+" + _LEADING + r"$", tail,
                        re.I)
    if noun_of:
        return noun_of.group(1)              # "drops of up to 18.9 points"
    noun = re.match(r"^\s*(?:\)\s*|\([^()]{0,30}\)\s*)?(?:(?!(?:in|of|on|to|for|and|or|than|with|the|a)\b)"
                    r"[A-Za-z][\w\-]*\s+){0,2}?(" + CHANGE_NOUN + r")\b", after, re.I)
    if noun:
        return noun.group(1)                 # "a 12% relative reduction", "65% energy savings"
    if number.startswith("+"):
        return "increase"                    # "+3.1 pp"
    return ""


def _from_word(word: str, quantity: str | None) -> str:
    word = word.lower()
    if word in ("outperforms", "surpasses", "exceeds"):
        return "none"                        # a level that beats a baseline
    if word in ("gain", "gains", "increase"):
        return "up"
    return change_direction(word, quantity)


def _conflicting(before: str, after: str, word: str) -> bool:
    """Both directions right next to the number, and none of its own: too tangled."""
    if word:
        return False
    window = before[-16:] + " " + after[:16]
    return bool(UP.search(window) and DOWN.search(window) and not SPEED.search(window))


# -- subject --------------------------------------------------------------------------------

# What a comparison is made with: "than the unpruned baseline", "over prior methods".
_COMPARED_WITH = re.compile(r"\b(?:than|vs\.?|versus|compared (?:to|with)|relative to|against|"
                            r"over)\s+(?:the\s+|an?\s+)?(?:[\w\-]+\s+){0,2}$", re.I)
# A name right before its number: "baseline: 9%", "baseline of 9%", "baseline (9%".
_LABELS = re.compile(r"[\w\-]*\s*(?:[:=]|\bof\b|\bat\b|\bis\b)?\s*[(~]?\s*$", re.I)
# The number opens "A vs. B": A is the side the sentence is about, B the compared one.
_OPENS_VERSUS = re.compile(r"^\s*(?:vs\.?|versus)\s*[\-+\u2212]?\.?\d", re.I)
_VERSUS_B = re.compile(r"^\s*(?:vs\.?|versus)\s*([\-+\u2212]?\.?\d(?:[\d,]|\.\d)*"
                       + _PAIR_UNIT + r")", re.I)


def _subject(head: str, before: str, after: str, comparison, names) -> str | None:
    """Whose number it is. A baseline named as what the sentence compares with ("lower MSE
    than the unpruned baseline (0.0236 vs. 0.0240) and …") is not the subject of the
    numbers after it; in "from A (baseline) to B", B is the other side's: the method's."""
    if _MARGIN.search(before[-90:]):
        return "method"                      # the margin of a win
    if (comparison or "").lower().startswith("from"):
        pair = _SPELLED_PAIR.search(before[-110:])
        if pair and BASELINE_CUE.search(pair.group("aside")):
            return "method"                  # "from 24.67 for the unpruned baseline to"
    local = re.split(r",|\band\b|;|\(", before)[-1]
    if BASELINE_OBJECT.search(local[-45:]) and not BOUND_THAN.search(local[-20:]) and not (
            comparison or "").lower().startswith("from"):
        return "baseline"
    if re.search(r"\(\s*(?:compared (?:to|with)|vs\.?|versus|relative to|than|over|against)"
                 r"\s+(?=[^\s\d\-+\u2212~.])[^()]*$", before[-90:], re.I):
        return "baseline"                    # "(compared to baseline: 9%, self-debugging: 27%"
    if not _OPENS_VERSUS.match(after) and re.search(
            r"\b(?:outperform\w*|surpass\w*|than|vs\.?|versus|compared (?:to|with)|"
            r"over|prior|previous|baseline)\b[^,;()]{0,50}\([^()]*$", before[-90:], re.I):
        return "baseline"                    # "outperforming SVDQuant (FID 18.9"
    own = _last_own(before, names)
    cue = None
    versus = _OPENS_VERSUS.match(after)
    for match in BASELINE_CUE.finditer(before[-70:]):
        at = len(before) - 70 + match.start() if len(before) > 70 else match.start()
        labels = not versus and _LABELS.match(before, at + len(match.group(0)))
        if labels or not _COMPARED_WITH.search(before, max(0, at - 60), at):
            cue = at      # not only what the sentence compares with ("compared to baseline: 9%")
    if cue is not None and (own is None or cue > own):
        return "baseline"
    if FINDING_CUE.search(head[-200:]) and own is None:
        return "finding"
    if own is not None or METHOD_CUE.search(before) or re.search(r"\b(?:ours|our)\b",
                                                                  after[:40], re.I):
        return "method"
    if _last_own(head, names) is not None or re.search(
            r"(?:^|[,;:]\s*)(?:it|they)\s+[a-z]+", head[-120:], re.I):
        return "method"
    if re.match(r"^\s*(?:It|They|This (?:method|approach|model|framework)|The proposed)\b",
                head[:60]):
        return "method"
    return None


def _last_own(text: str, names) -> int | None:
    """Where the paper last speaks of itself in ``text`` (we, our, its name), if it does."""
    last = None
    for match in re.finditer(r"\b(?:we|our|ours|the authors)\b", text, re.I):
        last = match.start()
    for name in names:
        if name and len(name) > 1:
            for match in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text):
                last = max(last or 0, match.start())
    return last


# -- condition and phrase -------------------------------------------------------------------

_CONDITION = re.compile(
    r"\b(?:on|at|with|under)\s+(?:the\s+)?((?:[A-Z][\w\-.]*(?:[\s\-](?:[A-Z0-9][\w\-.\u00d7\u00b2]*|"
    r"\d+[\u00d7x]\d+))*)|\d[\d.]*\s?%?\s?(?:sparsity|steps?|NFEs?|bits?|resolution|"
    r"masking|pruning|compression|shots?|frames?))")


def _condition(before: str, after: str) -> str | None:
    """The setting the number holds in, from its own phrase: right after it, up to the
    next clause ("3.22× faster on Flux", not "… and an LPIPS of 0.069 on Qwen-Image"), or
    at the start of its clause ("On ImageNet 256×256, …")."""
    own = re.split(r",|;|\band\b|\bwhile\b|\bwhereas\b|\bachiev\w*|\breach\w*|\byield\w*|"
                   r"\boutperform\w*|\(", after[:70])[0]
    found = _CONDITION.search(own)
    if not found:
        lead = re.match(r"^\s*(?:On|At|With|Under)\s[^,]{2,45},", before)
        found = _CONDITION.search(lead.group(0)) if lead else None
    if not found:
        return None
    text = found.group(0).strip().rstrip(",.;:")
    if re.search(r"\d\s?(?:\u00d7|x|%|times)(?!\s?\d)", text) and not re.search(
            r"%\s+(?:sparsity|masking|of|data|pruning|compression)", text):
        return None                          # "at 4.10×" is another result, not a condition
    return text[:1].lower() + text[1:] if len(text) <= 50 else None


_QUALIFIER = re.compile(r"(?:(?<![\w])(?:up to|over|more than|less than|at least|at most|about|"
                        r"around|nearly|almost|roughly|approximately|under|below|above)|[<>\u2264"
                        r"\u2265~\u2248])\s*$", re.I)


_SIGNS = "<>\u2264\u2265~\u2248"


def _qualified(number: str, before: str) -> str:
    """The number with the qualifier the source puts on it ("up to 32%", ">0.999")."""
    found = _QUALIFIER.search(before[-16:])
    if not found:
        return number
    qualifier = found.group(0).strip()
    glue = "" if qualifier in _SIGNS else " "
    return f"{qualifier}{glue}{number}"


def _phrase(number, quantity, direction, word, comparison, condition, role,
            relation=None) -> str:
    """A short phrase that says what the source says about the number."""
    if role != "result" or not quantity:
        return number
    if relation:                               # what a correlation relates, then its value
        values = re.sub(r"^between (\S+) and (\S+)$", r"\1 to \2", comparison or "") or number
        return f"{quantity} {relation}: {values}"
    if comparison and comparison.startswith("between "):
        text = f"{quantity} {comparison}"
    elif comparison and re.match(r"^from\s+\S+(?:\s+\S+){0,3}?\s*(?:to|\u2192)\s", comparison):
        text = f"{quantity} {comparison}"
    elif quantity == "speed":
        text = f"{number} {'slower' if direction == 'down' else 'faster'}"
    elif re.search(r"(?:^|\s)(?:speed-?ups?|accelerations?)$", quantity, re.I):
        text = f"{number} {quantity}"          # "up to 4.14 speedup": the source's words
    elif direction != "none" and number.endswith(("%", "\u00d7", "fold", "x", "times")):
        if word == "less" and _COUNTED.search(quantity):
            word = "fewer"                     # "6–13× fewer frames"
        comparative = word if word in ("lower", "higher", "fewer", "more", "less", "larger",
                                       "smaller", "greater") else _comparative(direction, quantity)
        text = f"{number} {comparative} {quantity}"
    elif direction != "none":
        noun = word if word in ("loss", "reduction", "increase", "improvement", "drop",
                                "gain") else {"up": "gain", "down": "drop"}[direction]
        text = f"{quantity} {noun} of {number}"
    else:
        text = f"{quantity} {number}"
    if condition and len(condition) <= 32 and condition not in text:
        text += f" {condition}"
    return text


_COUNTED = re.compile(r"\b(?:steps|parameters|params|flops|tokens|samples|evaluations|patches|"
                      r"iterations|nfes|calls|queries|errors|primitives|gaussians|epochs|"
                      r"operations|bits|bytes|frames|images|videos|examples|gpus)$", re.I)


def _comparative(direction: str, quantity: str) -> str:
    """"fewer"/"more" for things counted ("fewer training FLOPs"), else "lower"/"higher"
    ("lower CRPS", "lower hallucination rates")."""
    if _COUNTED.search(quantity):
        return {"up": "more", "down": "fewer"}.get(direction, "")
    return {"up": "higher", "down": "lower"}.get(direction, "")
