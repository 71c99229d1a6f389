"""A pick's five sections from its abstract's sentences, each section drawing only from
its own roles: the problem and contribution make the core contribution, method sentences
the key insight, result sentences the results, concessions the limits; the highlight is
a confidently bound claim. A sentence that leans on the one before ("This perception …")
comes with it or not at all; sentences are never cut. No sentence is used twice."""

from __future__ import annotations

import re

from arxiv_digest.binding import bind_claim
from arxiv_digest.binding_words import canonical_metric
from arxiv_digest.digest import ClaimRef, Pick
from arxiv_digest.review import ReviewStatus
from arxiv_digest.rank import Candidate
from arxiv_digest.roles import RoledSentence, classify, leans_back
from arxiv_digest.writers.highlight import choose_highlight
from arxiv_digest.writers.prose import third_person

LONGEST = 480                  # a longer sentence is not quoted (it would need cutting)
CONCESSION = re.compile(
    r"\b(?:only (?:evaluated|tested|validated|studied|considered|on|in|for|with|under|when|"
    r"beyond|above|below|if|at)|restricted to|limited to|is limited|assum(?:e|es|ed|ing|ption)|"
    r"under (?:the|a|mild|certain|strong) (?:assumptions?|conditions?)|still (?:lags?|below|"
    r"behind|trails?|underperforms?|falls? short)|falls? short|lags? behind|"
    r"(?:two|2)-?(?:D|dimensional)|toy|synthetic|small-scale|simulated|preliminary|parametric|"
    r"future work|left for future|leave .{0,30} open|does not (?:yet )?(?:scale|generali[sz]e|"
    r"address|handle|apply)|cannot|fails to|at the cost of|at the expense of|comparable to|"
    r"on par with|within an? [\d.]+\s?%|non-inferior\w*|on the evaluated|on a (?:single|recent)|"
    r"single (?:model|dataset|benchmark|architecture)|minimal loss|slight(?:ly)? (?:lower|worse)|"
    r"at a (?:small|slight|minor|modest) cost|requires? (?:training|retraining|fine-tuning)|"
    r"bound(?:s|ed)? the result)\b",
    re.I)
SCALE = re.compile(r"(?<![\w-])(?:(?:2|two)-?(?:D|dimensional)|toy|synthetic|small-scale|"
                   r"simulated|low-dimensional)(?![\w-])", re.I)
PRIOR = re.compile(r"^\s*(?:(?:However|Yet|But),?\s+)?(?:existing|prior|previous|conventional|"
                   r"current|standard|recent|most|many|state-of-the-art|sota|traditional|"
                   r"earlier|typical|common|popular|among them|such (?:methods|approaches)|"
                   r"these (?:methods|approaches|models)|prior analyses|previous work)\b", re.I)
SELLING_ONLY = re.compile(r"^\s*(?:\w+\s+){0,3}(?:suppresses|avoids|removes|eliminates|"
                          r"preserves|requires no|needs no|is (?:training-free|plug-and-play|"
                          r"model-agnostic))\b", re.I)
MECHANISM = re.compile(r"\b(?:by|via|through|because|key (?:idea|insight|observation)|relies on|"
                       r"leverag\w*|exploit\w*|decompos\w*|instead of|rather than|replac\w*|"
                       r"combin\w*|based on|so that|which (?:lets|makes|ensures))\b", re.I)
FEATURES = re.compile(r"\b(?:currently supports?|supports? (?:\w+, )+|is compatible with|"
                      r"can be (?:easily )?(?:applied|plugged|integrated|used)|plug-and-play)\b",
                      re.I)


SELLING = re.compile(r"\b(?:outperform\w*|achiev\w*|improv\w*|state-of-the-art|superior|"
                     r"surpass\w*|better|faster|robust\w*|effective\w*|enabl\w*|competitive|"
                     r"significant\w*|substantial\w*|generaliz\w* (?:well|to)|confirm\w*|"
                     r"decisive\w*|match\w*|exceed\w*|accurate\w*|exact\w*|strong\w*)\b", re.I)


def with_marker(sentence: str, source: int) -> str:
    """``'It works.'`` -> ``'It works [3].'``: the marker sits inside the sentence (also
    before a full-width stop, which ends a sentence for the verifier too)."""
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in ".!?\u2026\u3002\uff01\uff1f":
        end = body[-1] + end
        body = body[:-1]
    return f"{body} [{source}]{end or '.'}"


class PickWriter:
    """Writes one pick's sections, highlight and one-line contribution."""

    def __init__(self, pick: Pick, candidate: Candidate, used: set[str]):
        self.pick, self.candidate, self.used = pick, candidate, used
        self.sentences: list[RoledSentence] = classify(candidate.paper)
        self.numbered = {c.sentence.strip() for c in candidate.claims
                         if c.field == "abstract" and c.kind not in ("count",)}
        self.any_number = {c.sentence.strip() for c in candidate.claims if c.field == "abstract"}

    # -- choosing sentences -------------------------------------------------------------

    def free(self, s: RoledSentence) -> bool:
        return s.text not in self.used and len(s.text) <= LONGEST

    def of_role(self, *roles: str, start: int = 0) -> list[RoledSentence]:
        return [s for s in self.sentences[start:] if s.role in roles and self.free(s)]

    def take(self, chosen: list[RoledSentence], limit: int,
             lean_on: tuple[str, ...] = ("background", "problem", "contribution")) -> str:
        """Up to ``limit`` sentences in abstract order, each with the sentence it leans on —
        which must itself belong in the section (``lean_on`` roles), or the sentence goes."""
        picked: list[RoledSentence] = []
        for s in chosen:
            if len(picked) >= limit:
                break
            if s.needs_antecedent and not any(p.index == s.index - 1 for p in picked):
                before = self.sentences[s.index - 1] if s.index > 0 else None
                if before is None or not self.free(before) or before.role not in lean_on:
                    continue
                picked.append(before)
            picked.append(s)
        picked.sort(key=lambda s: s.index)
        return " ".join(self._quote(s) for s in dict.fromkeys(picked))

    def _quote(self, s: RoledSentence) -> str:
        self.used.add(s.text)
        text = with_marker(third_person(s.text, self.pick.short_name), self.pick.source)
        self.pick.claims.append(ClaimRef(text, self.pick.source))
        return text

    # -- sections -----------------------------------------------------------------------

    def write(self) -> None:
        sections = self.pick.sections
        sections["core_contribution"] = self.core()
        sections["key_insight"] = self.insight()
        sections["results"] = self.results()
        sections["limits"] = self.limits()
        chosen = choose_highlight(self.candidate.claims, (self.pick.short_name,))
        self.pick.highlight = chosen[1].phrase if chosen else ""
        self.pick.one_line = self.one_line()

    def core(self) -> str:
        contribution = [s for s in self.of_role("contribution") if not _asks(s.text)][:2]
        first = contribution[0].index if contribution else len(self.sentences)
        opener = [s for s in self.of_role("problem") if s.index < first and not _prior(s.text)
                  ][:1] or [s for s in self.of_role("background") if s.index < first][:1]
        text = self.take(opener + contribution, 4)
        if not text:
            opening = self.of_role("contribution", "method", "result")[:2]
            text = self.take(opening, 2)
        return text or with_marker(f"The abstract is empty; the title states the contribution: "
                                   f"{self.pick.title}", self.pick.source)

    def insight(self) -> str:
        method = [s for s in self.of_role("method")
                  if s.text not in self.any_number and not FEATURES.search(s.text)
                  and not _prior(s.text) and not SELLING_ONLY.search(s.text)]
        mechanism = [s for s in method if MECHANISM.search(s.text)]
        text = self.take(mechanism or method, 2, lean_on=("method", "contribution"))
        if text:
            return text
        if any(MECHANISM.search(s.text) for s in self.sentences if s.text in self.used):
            return "The mechanism is in the sentences quoted above."
        return ("The abstract does not spell out the mechanism; the method section of the paper "
                "is the place to look.")

    def results(self) -> str:
        own = [s for s in self.of_role("result", "method", "contribution")
               if s.text in self.numbered and self._own_result(s.text) and not _prior(s.text)]
        text = self.take(own, 3, lean_on=("result", "method", "contribution"))
        if not text:
            found = [s for s in self.of_role("result") if not _prior(s.text)]
            text = self.take(found, 2, lean_on=("result", "method"))
        if text:
            return text
        if any(s.text in self.used for s in self.sentences if s.text in self.numbered):
            return "The abstract's numbers are quoted above."
        return "The abstract reports no quantitative result."

    def _own_result(self, sentence: str) -> bool:
        """The sentence reports a result of the paper's own (not only a baseline's)."""
        names = (self.pick.short_name,)
        for claim in self.candidate.claims:
            if claim.sentence.strip() == sentence and claim.kind != "count":
                bound = bind_claim(claim, names)
                if bound.role == "result" and bound.subject != "baseline":
                    return True
        return False

    def limits(self) -> str:
        parts = []
        stated = self.of_role("limitation")[:1]
        if stated:
            parts.append(self.take(stated, 1, lean_on=("result", "method", "contribution")))
        else:
            concession = self._concession()
            if concession:
                parts.append(concession)
        derived = self._derived()
        if not [p for p in parts if p]:
            parts = ["The abstract states no limitation."]
        if derived:
            parts.append(derived)
        return " ".join(p for p in parts if p)

    def _concession(self) -> str:
        """A clause where the abstract scopes or concedes something, quoted; or the
        small or synthetic setting some of its evidence comes from."""
        for s in self.sentences:
            if s.role in ("resource", "background", "problem") or _prior(s.text):
                continue
            if CONCESSION.search(s.text):
                clause = _clause_with(s.text, CONCESSION)
                if clause and 12 <= len(clause) <= 220 and not SELLING.search(clause):
                    return self._noted(f"The abstract notes: \u201c{clause}\u201d")
        for s in self.sentences:
            scale = SCALE.search(s.text) if s.role in ("result", "method") else None
            if scale:
                phrase = _phrase_around(s.text, scale)
                return self._noted(f"Part of the evidence comes from a {scale.group(0)} "
                                   f"setting (the abstract's words: \u201c{phrase}\u201d)")
        return ""

    def _noted(self, sentence: str) -> str:
        """Our sentence quoting the abstract, with its marker; its claim is the sentence as
        written (marker included), as for every quoted sentence."""
        text = with_marker(sentence, self.pick.source)
        self.pick.claims.append(ClaimRef(text, self.pick.source))
        return text

    def _derived(self) -> str:
        """What follows from the data: review status, code, how the case is made."""
        notes = []
        status = self.pick.peer_review.status
        if status == ReviewStatus.PREPRINT:
            notes.append("not peer reviewed yet")
        elif status == ReviewStatus.SUBMITTED:
            notes.append("submitted for review, not yet accepted")
        if not self.pick.code_url:
            notes.append("no code link at announcement")
        names = (self.pick.short_name,)
        own = [bind_claim(c, names) for c in self.candidate.claims
               if c.kind not in ("count",) and c.field != "comment"]
        own = [b for b in own if b.role == "result" and b.subject != "baseline"]
        metrics = {b.quantity for b in own if b.quantity and canonical_metric(b.quantity)}
        if not own:
            notes.append("no result of its own is stated with a number in the abstract")
        elif len(own) >= 2 and len(metrics) == 1 and len({b.quantity for b in own}) == 1:
            notes.append(f"every number it reports measures {metrics.pop()}")
        if not notes:
            return ""
        text = "; ".join(notes)
        return text[:1].upper() + text[1:] + "."

    def one_line(self) -> str:
        """The contribution in one line (never the title): a contribution sentence — or,
        failing that, a method one — whole, or cut only before a clause that hangs on it."""
        for roles in (("contribution",), ("method",)):
            for s in self.sentences:
                if s.role not in roles or _asks(s.text) or _prior(s.text):
                    continue
                line = third_person(s.text, self.pick.short_name)
                if leans_back(line):
                    continue
                if len(line) <= 200:
                    return line.rstrip(".") + "."
                cut = re.search(r"^(.{50,200}?)(?:, (?:which|where|while|whereas|enabling|"
                                r"allowing|achieving|yielding|producing|unlike)\b|;|:\s|"
                                r"\s\u2014\s|\s\u2013\s)", line)
                if cut and not re.search(r"\b(?:a|an|the|of|to|and|or|with|for|whether|"
                                         r"that)$", cut.group(1)):
                    return cut.group(1).rstrip(",;: ") + "."
        return ""

    def idea(self) -> str:
        """What the paper offers, as its own appositive: "NaviEdit, a training-free
        inference-time controller" — for why-read, without repeating a quoted sentence."""
        name = re.escape(self.pick.short_name)
        for s in self.sentences:
            if s.role not in ("contribution", "method"):
                continue
            found = re.search(r"\b(?:propose|introduce|present|develop|design)s?\s+(?:the\s+)?"
                              r"(?:[\w\-]+\s+){0,4}?(?:\(?" + name + r"\)?)\s*,\s*"
                              r"(an?\s[^,;:.]{8,110}?)(?=\s+(?:that|which|to|for|with|by)\b|"
                              r"[,;:.]|$)", s.text)
            if found:
                return found.group(1).strip()
        return ""


def _clause_with(sentence: str, pattern: re.Pattern) -> str:
    """The clause of ``sentence`` that holds ``pattern`` (split at ; , while but)."""
    match = pattern.search(sentence)
    if not match:
        return ""
    bounds = [m.end() for m in re.finditer(r";\s|,\s(?:while|but|although|whereas|though)\s|"
                                           r"\s(?:but|while|although|whereas)\s", sentence)]
    start = max([b for b in bounds if b <= match.start()], default=0)
    ends = [m.start() for m in re.finditer(r";\s|,\s(?:while|but|although|whereas|though)\s|"
                                           r"\s(?:but|while|although|whereas)\s", sentence)
            if m.start() >= match.end()]
    end = min(ends, default=len(sentence))
    return sentence[start:end].strip().rstrip(".;,")


def _phrase_around(sentence: str, match: re.Match) -> str:
    found = re.search(r"(?<![\w,.\-])(?:[\w-]+\s){0,2}" + re.escape(match.group(0)) +
                      r"(?:\s[\w-]+){0,2}", sentence)
    phrase = found.group(0) if found else match.group(0)
    phrase = re.sub(r"(?:\s(?:with|a|an|the|of|and|in|on|for|to|that|which))+$", "", phrase)
    return re.sub(r"^(?:(?:with|a|an|the|of|and|in|on|for|to)\s)+", "", phrase, flags=re.I)


def _asks(sentence: str) -> bool:
    """A question, or a sentence that only asks one ("we ask whether …")."""
    return sentence.rstrip().endswith("?") or bool(re.search(
        r"\b(?:ask|asks|asking|question)\s+(?:whether|if|how|what|why)\b", sentence, re.I))


def _prior(sentence: str) -> bool:
    """The sentence speaks of prior work, not of this paper."""
    return bool(PRIOR.match(sentence)) and not re.search(r"\b(?:we|our|ours)\b", sentence,
                                                          re.I)
