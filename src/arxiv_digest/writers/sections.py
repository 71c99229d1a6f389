"""A pick's five sections from its abstract's sentences, each section drawing only from
its own roles: the problem and contribution make the core contribution, method sentences
the key insight, result sentences the results, concessions the limits; the highlight is
a confidently bound claim. A sentence that leans on the one before ("This perception …")
comes with it or not at all; sentences are never cut. No sentence is used twice."""

from __future__ import annotations

import re

from arxiv_digest.digest import ClaimRef, Pick
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
    r"address|handle|apply)|cannot|fails to|at the cost of|at the expense of)\b",
    re.I)
SCALE = re.compile(r"(?<![\w-])(?:(?:2|two)-?(?:D|dimensional)|toy|synthetic|small-scale|"
                   r"simulated|low-dimensional)(?![\w-])", re.I)
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
    """``'It works.'`` -> ``'It works [3].'``: the marker sits inside the sentence."""
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in ".!?\u2026":
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
        contribution = self.of_role("contribution")[:2]
        first = contribution[0].index if contribution else len(self.sentences)
        opener = [s for s in self.of_role("problem") if s.index < first][:1] or \
            [s for s in self.of_role("background") if s.index < first][:1]
        text = self.take(opener + contribution, 4)
        if not text:
            opening = self.of_role("background", "method", "result")[:2]
            text = self.take(opening, 2)
        return text or with_marker(f"The abstract is empty; the title states the contribution: "
                                   f"{self.pick.title}", self.pick.source)

    def insight(self) -> str:
        method = [s for s in self.of_role("method") if s.text not in self.any_number
                  and not FEATURES.search(s.text)]
        mechanism = [s for s in method if MECHANISM.search(s.text)]
        text = self.take(mechanism or method, 2, lean_on=("method", "contribution"))
        return text or ("The abstract does not spell out the mechanism; the method section of "
                        "the paper is the place to look.")

    def results(self) -> str:
        with_numbers = [s for s in self.of_role("result", "method", "contribution")
                        if s.text in self.numbered]
        text = self.take(with_numbers, 3, lean_on=("result", "method", "contribution"))
        if not text:
            text = self.take(self.of_role("result"), 2, lean_on=("result", "method"))
        if text:
            return text
        if any(s.text in self.used for s in self.sentences if s.text in self.numbered):
            return "The abstract's numbers are quoted above."
        return "The abstract reports no quantitative result."

    def limits(self) -> str:
        parts = []
        stated = self.of_role("limitation")[:1]
        if stated:
            parts.append(self.take(stated, 1))
        else:
            concession = self._concession()
            if concession:
                parts.append(concession)
        derived = self._derived()
        if derived:
            parts.append(derived)
        if not stated and not parts:
            return "The abstract states no limitation."
        if not stated and len(parts) == 1 and parts[0] == derived:
            parts.insert(0, "The abstract states no limitation.")
        return " ".join(parts)

    def _concession(self) -> str:
        """A clause where the abstract scopes or concedes something, quoted; or the
        small or synthetic setting some of its evidence comes from."""
        for s in self.sentences:
            scale = SCALE.search(s.text) if s.role in ("result", "method") else None
            if scale:
                phrase = re.search(r"(?<![\w,.\-])(?:[\w-]+\s){0,2}" + re.escape(scale.group(0)) +
                                   r"(?:\s[\w-]+){0,2}", s.text).group(0)
                phrase = re.sub(r"(?:\s(?:with|a|an|the|of|and|in|on|for|to|that|which))+$", "",
                                phrase)
                phrase = re.sub(r"^(?:(?:with|a|an|the|of|and|in|on|for|to)\s)+", "", phrase,
                                flags=re.I)
                self.pick.claims.append(ClaimRef(phrase, self.pick.source))
                return with_marker(f"Part of the evidence comes from a {scale.group(0)} setting "
                                   f"(the abstract's words: \u201c{phrase}\u201d)",
                                   self.pick.source)
        for s in self.sentences:
            if s.role in ("resource", "background", "problem") or not CONCESSION.search(s.text):
                continue
            clause = _clause_with(s.text, CONCESSION)
            if clause and 12 <= len(clause) <= 220 and not SELLING.search(clause):
                self.pick.claims.append(ClaimRef(clause, self.pick.source))
                return with_marker(f"The abstract notes: \u201c{clause}\u201d", self.pick.source)
        return ""

    def _derived(self) -> str:
        """What follows from the data: review status, code, how the case is made."""
        notes = []
        review = self.pick.peer_review
        if review.startswith("Preprint"):
            notes.append("not peer reviewed yet")
        elif review.startswith("Submitted"):
            notes.append("submitted for review, not yet accepted")
        if not self.pick.code_url:
            notes.append("no code link at announcement")
        claims = [c for c in self.candidate.claims if c.kind not in ("count", "bound")]
        metrics = {c.metric for c in claims if c.metric}
        if not claims and not any(c.kind == "bound" for c in self.candidate.claims):
            notes.append("no numbers in the abstract, so the evidence is in the paper itself")
        elif len(metrics) == 1 and len(claims) >= 2:
            notes.append(f"the reported numbers rest on one metric ({metrics.pop()})")
        if not notes:
            return ""
        text = "; ".join(notes)
        return text[:1].upper() + text[1:] + "."

    def one_line(self) -> str:
        """The contribution in one line (never the title): the contribution sentence's
        main clause, when it is short enough to stand alone."""
        for s in self.sentences:
            if s.role != "contribution":
                continue
            line = third_person(s.text, self.pick.short_name)
            if leans_back(line):
                continue
            if len(line) <= 200:
                return line.rstrip(".") + "."
            cut = re.search(r"^(.{50,200}?)(?:,? (?:which|that|where|while|whereas|enabling|"
                            r"allowing|achieving|yielding|producing|unlike)\b|;|:|\s\u2014\s|"
                            r"\s\u2013\s)", line)
            if cut:
                return cut.group(1).rstrip(",;: ") + "."
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
