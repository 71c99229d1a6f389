"""A pick's sections from its abstract, in the abstract's own order.

Abstracts run problem -> contribution -> method -> results. The offline writer cuts the
abstract at two section boundaries — where the contribution ends and where the results
begin — placed where they agree best with each sentence's role, so every section is a
contiguous run of the abstract's own sentences, and a sentence that opens on "This"
follows the one it points to (in its own section or at the end of the one above). A
section with nothing of its own is left out, never filled with a stock line.

Limits quote only what the abstract concedes or scopes, or state a scope fact read from
the numbers (one benchmark only, no named baseline). The highlight is a confidently
bound result of the paper's own that the results section quotes. The one-line
contribution is a whole contribution sentence, its main clause, or the title's own
phrase for what the paper does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from arxiv_digest.text.binding import Binding, bind_claim
from arxiv_digest.text.claims import Claim
from arxiv_digest.digest import ClaimRef, Pick
from arxiv_digest.text.facts import BENCHMARK
from arxiv_digest.rank import Candidate
from arxiv_digest.text.roles import RoledSentence, classify, leans_back
from arxiv_digest.verify import facts as stated_facts
from arxiv_digest.writers.highlight import choose_highlight
from arxiv_digest.writers.prose import third_person

CORE, INSIGHT, RESULTS = 0, 1, 2
# How well a sentence of each role sits in the core, insight and results sections.
AFFINITY = {
    "background": (1.0, 0.0, 0.0),
    "problem": (1.0, 0.2, 0.0),
    "contribution": (1.0, 0.5, 0.0),
    "method": (0.2, 1.0, 0.1),
    "result": (0.0, 0.3, 0.6),          # a number of its own adds to results
    "limitation": (0.0, 0.2, 0.6),
    "other": (0.3, 0.3, 0.3),
}
MAX_CORE = 6          # a longer core hands its last sentences to the key insight
MAX_INSIGHT = 6       # the key insight ends after this many sentences
MAX_RESULTS = 6       # the results section ends after this many sentences
ONE_LINE = 240        # a one-line contribution is at most this long
ASKS = re.compile(r"\b(?:ask|asks|we investigate|we examine|we study) (?:whether|if|how|why)\b",
                  re.I)
MIN_LINE = 60         # and says more than "The authors propose X."

CONTRIBUTES = re.compile(
    r"\b(?:we|this (?:paper|work|study))\s+(?:\w+\s+){0,2}?(?:propose|introduce|present|"
    r"develop|design|derive|establish|construct|curate|formulate|instantiate)s?\b",
    re.I)
CONCESSION = re.compile(
    r"\b(?:only (?:evaluated|tested|validated|studied|considered)|restricted to|limited to|"
    r"is limited|under (?:the|a|mild|certain|strong) (?:assumptions?|conditions?)|"
    r"still (?:lags?|below|behind|trails?|underperforms?|falls? short)|falls? short|"
    r"lags? behind|future work|left for future|leave .{0,30} open|does not (?:yet )?"
    r"(?:scale|generali[sz]e|address|handle|apply)|at the cost of|at the expense of|"
    r"slight(?:ly)? (?:lower|worse)|at a (?:small|slight|minor|modest) cost|"
    r"remains? (?:an )?open|exploratory|preliminary|proof[- ]of[- ]concept|"
    r"small-scale|pilot study)\b", re.I)
SYNTHETIC = re.compile(r"(?<![\w-])(?:synthetic|toy|simulated|two-dimensional|2D)(?![\w-])",
                       re.I)
SPEAKS = re.compile(r"^\s*(?:[A-Z][\w ,\-]{0,60},\s*)?(?:we|our|this (?:paper|work|study))\b",
                    re.I)
PRIOR = re.compile(r"^\s*(?:(?:However|Yet|But),?\s+)?(?:existing|prior|previous|conventional|"
                   r"current|standard|recent|most|many|state-of-the-art|sota|traditional|"
                   r"earlier|typical|common|popular|such (?:methods|approaches)|"
                   r"these (?:methods|approaches|models))\b", re.I)
PURPOSE = re.compile(r"^\s*(?:To (?:address|tackle|overcome|solve|mitigate|bridge|close|fill|"
                     r"remedy|resolve|this end)\b[^,]{0,160},|In this (?:paper|work|study),|"
                     r"Here,|Therefore,|Thus,|Hence,|(?:Motivated|Inspired) by [^,]{0,120},)\s*",
                     re.I)
_FUNCTION_END = re.compile(r"\b(?:a|an|the|of|to|and|or|with|for|whether|that|while|which|"
                           r"in|on|by|as|from|only|also|even|then|[a-z]+ly|[a-z]+ed)$", re.I)
_CLAUSE_CUT = re.compile(r", (?:which|where|while|whereas|enabling|allowing|achieving|yielding|"
                         r"producing|unlike|thereby|so that|and)\b|;|:\s|\s\u2014\s|\s\u2013\s|"
                         r"\s(?:that|which|via|using|by|with|through)\s|, (?:[a-z]+ed|based|given)\s")
_FIGURE_OF = re.compile(r"\b(?:compared (?:to|with)|versus|vs\.?|against)\s+[\d.,%]+\s+(?:for|of|by)\s+"
                        r"((?:the |a |an )?(?:[\w\-]+\s){0,3}?[\w\-]*(?:baseline|detector|"
                        r"method|model|approach|solver|sampler|schedule|system)s?)\b")
_REPORTING = re.compile(r"\b(?:show|shows|find|finds|demonstrate|demonstrates|prove|proves|reveal|"
                        r"reveals|argue|argues|observe|observes|note|notes|suggest|suggests|"
                        r"establish|establishes|such|so)$", re.I)
_AGAINST = re.compile(r"\b(?:against|over|than|compared (?:to|with)|relative to|versus|vs\.?)\s+"
                      r"((?:the |a |an )?(?:strong |static |standard |original |prior )?"
                      r"(?:[A-Z][\w\-.+]*[\w+](?:\s[A-Z0-9][\w\-.+]*)?|baselines?|"
                      r"(?:[\w\-]+\s){0,2}baselines?))")


def with_marker(sentence: str, source: int) -> str:
    """``'It works.'`` -> ``'It works [3].'``: the marker sits inside the sentence."""
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in ".!?\u2026\u3002\uff01\uff1f":
        end = body[-1] + end
        body = body[:-1]
    return f"{body} [{source}]{end or '.'}"


@dataclass
class Sentence:
    """One abstract sentence as the writer sees it."""

    roled: RoledSentence
    own: list[tuple[Claim, Binding]]      # results of the paper's own it states
    numbers: list[tuple[Claim, Binding]]  # every bound number it states

    @property
    def text(self) -> str:
        return self.roled.text

    @property
    def role(self) -> str:
        return self.roled.role


def partition(sentences: list[Sentence]) -> tuple[int, int]:
    """The two cut points (core ends, results begin) that agree best with the roles."""
    n = len(sentences)
    scores = []
    for s in sentences:
        core, insight, results = AFFINITY.get(s.role, AFFINITY["other"])
        if s.own:
            results += 1.5
        if CONTRIBUTES.search(s.text):
            core += 1.0
        scores.append((core, insight, results))
    best, cuts = float("-inf"), (n, n)
    prefix = [[0.0] * (n + 1) for _ in range(3)]
    for part in range(3):
        for k in range(n):
            prefix[part][k + 1] = prefix[part][k] + scores[k][part]
    for i in range(n + 1):
        for j in range(i, n + 1):
            total = (prefix[CORE][i] + prefix[INSIGHT][j] - prefix[INSIGHT][i]
                     + prefix[RESULTS][n] - prefix[RESULTS][j])
            if total > best + 1e-9:
                best, cuts = total, (i, j)
    return cuts


class PickWriter:
    """Writes one pick's sections, highlight and one-line contribution."""

    def __init__(self, pick: Pick, candidate: Candidate, used: set[str]):
        self.pick, self.candidate, self.used = pick, candidate, used
        self.names = (pick.short_name,)
        bound = [(c, bind_claim(c, self.names)) for c in candidate.claims
                 if c.field == "abstract" and c.kind != "count"]
        self.sentences = []
        for roled in classify(candidate.paper):
            mine = [(c, b) for c, b in bound if c.sentence.strip() == roled.text]
            own = [(c, b) for c, b in mine if b.role == "result" and b.subject != "baseline"]
            self.sentences.append(Sentence(roled, own, mine))
        self.blocks: dict[str, list[Sentence]] = {}

    # -- the abstract, cut into sections -------------------------------------------------

    def cut(self) -> dict[str, list[Sentence]]:
        """The core, insight and results runs; limitation sentences at the end and links
        are kept out of them (limits and the meta line show those)."""
        body = [s for s in self.sentences if s.role != "resource" and s.text not in self.used]
        while body and body[-1].role == "limitation":
            body.pop()
        i, j = partition(body)
        core, insight, results = body[:i], body[i:j], body[j:]
        if len(core) > MAX_CORE:
            core, insight = core[:MAX_CORE], core[MAX_CORE:] + insight
        if len(insight) > MAX_INSIGHT:      # the rest opens the results: no gap
            insight, results = insight[:MAX_INSIGHT], insight[MAX_INSIGHT:] + results
        return {"core_contribution": core, "key_insight": insight,
                "results": results[:MAX_RESULTS]}

    def _quote(self, run: list[Sentence]) -> str:
        out = []
        for k, s in enumerate(run):
            self.used.add(s.text)
            text = third_person(s.text, self.pick.short_name)
            numbers, venues = stated_facts(text)
            if numbers or venues or k == len(run) - 1:
                text = with_marker(text, self.pick.source)
                self.pick.claims.append(ClaimRef(text, self.pick.source))
            out.append(text)
        return " ".join(out)

    # -- sections -------------------------------------------------------------------------

    def write(self) -> None:
        self.blocks = self.cut()
        for name, run in self.blocks.items():
            self.pick.sections[name] = self._quote(run)
        self.pick.sections["limits"] = self.limits()
        shown = {s.text for s in self.blocks["results"]}
        claims = [c for c in self.candidate.claims if c.sentence.strip() in shown]
        chosen = choose_highlight(claims, self.names)
        self.pick.highlight = chosen[1].phrase if chosen else ""
        self.pick.one_line = self.one_line()
        self.pick.evidence_strength, self.pick.evidence_reason = self.evidence()

    def shown_results(self) -> list[tuple[Claim, Binding]]:
        """The results of its own that the sections quote (the results section first)."""
        order = ("results", "key_insight", "core_contribution")
        return [pair for name in order for s in self.blocks.get(name, []) for pair in s.own]

    def evidence(self) -> tuple[str, str]:
        """How strong the case is, from what the results section states: its own results
        by quantity, and the baselines they are set against."""
        own = self.shown_results()
        if not own:
            if any(stated_facts(s.text)[0] for s in self.sentences):
                return "thin", "no result of its own stated with a number in the abstract"
            return "thin", "no number in the abstract"
        quantities = list(dict.fromkeys(b.quantity for _, b in own if b.quantity))
        against = list(dict.fromkeys(filter(None, (_against(c) for c, _ in own))))
        n = len(own)
        what = f"{n} result{'s' if n != 1 else ''}"
        if quantities:
            what += f" ({', '.join(quantities[:3])})"
        if against:
            what += f" against {', '.join(against[:2])}"
            strength = "strong" if n >= 2 else "moderate"
        else:
            what += ", no baseline named"
            strength = "moderate"
        return strength, what

    def limits(self) -> str:
        """What the abstract concedes or scopes, quoted; else a scope fact from the
        numbers; else nothing."""
        stated = [s for s in self.sentences if s.role == "limitation" and s.text not in self.used]
        parts = []
        if stated:
            parts.append(self._quote(stated[:2]))
        else:
            clause = self._concession()
            if clause:
                clause = third_person(clause, self.pick.short_name)
                parts.append(self._noted(f"The abstract concedes: \u201c{clause}\u201d"))
        scope = self._scope()
        if scope:
            parts.append(self._noted(scope))
        return " ".join(parts)

    def _noted(self, sentence: str) -> str:
        """Our sentence about the abstract, with its marker; its claim is the sentence as
        written (marker included), as for every quoted sentence."""
        text = sentence if sentence.rstrip(".").endswith("]") else with_marker(
            sentence, self.pick.source)
        self.pick.claims.append(ClaimRef(text, self.pick.source))
        return text

    def _concession(self) -> str:
        for s in self.sentences:
            if s.role in ("resource", "background", "problem") or PRIOR.match(s.text) \
                    or s.text in self.used:
                continue
            if not re.search(r"\b(?:we|our|ours)\b", s.text, re.I) and s.role != "result":
                continue
            clause = _clause_with(s.text, CONCESSION)
            if clause and 12 <= len(clause) <= 220:
                return clause
        return ""

    def _scope(self) -> str:
        """A scope fact the numbers show: every result of its own stated on one and the
        same benchmark, or in a synthetic setting only."""
        own = self.shown_results()
        if len(own) < 2:
            return ""
        said = [c.sentence for c, _ in own]
        name = self.pick.short_name
        named = [set(BENCHMARK.findall(b.condition or "")) for _, b in own]
        if all(len(found) == 1 for found in named) and len(set.union(*named)) == 1:
            bench = named[0].pop()
            return with_marker(f"Every number {name} reports in the abstract is on one "
                               f"benchmark, {bench}", self.pick.source)
        if all(SYNTHETIC.search(sentence) for sentence in said):
            word = SYNTHETIC.search(said[0]).group(0)
            return with_marker(f"Every number {name} reports in the abstract comes from "
                               f"{'an' if word[0].lower() in 'aeiou' else 'a'} {word} "
                               f"setting", self.pick.source)
        return ""

    def one_line(self) -> str:
        """The contribution in one line: a sentence in which the paper says what it
        contributes, whole; else the title's own phrase for what it does (when the title
        names the paper); else that sentence's main clause; else the title's phrase."""
        speaking = [s for s in self.sentences if CONTRIBUTES.search(s.text) or (
            s.role == "contribution" and SPEAKS.match(s.text))]
        # A sentence saying what the paper contributes comes before one that only speaks
        # of it ("we reveal an asymmetry"); a sentence that asks states nothing.
        speaking = sorted((s for s in speaking if not ASKS.search(s.text)),
                          key=lambda s: not CONTRIBUTES.search(s.text))
        lines = [(_line_of(s.text, self.pick.short_name), s) for s in speaking]
        whole = [line for line, s in lines if line and not line.endswith("\u2026")
                 and len(line) >= MIN_LINE and _whole(line, s.text, self.pick.short_name)]
        if whole:
            return whole[0]
        phrase = self.pick.heading.rstrip(".")
        if self.pick.named_heading and phrase:
            return phrase[:1].upper() + phrase[1:] + "."
        cut = [line for line, _ in lines if line and len(line) >= MIN_LINE]
        if cut:
            return cut[0]
        return phrase[:1].upper() + phrase[1:] + "." if phrase else ""


def _against(claim: Claim) -> str:
    """What a result is set against, in the source's words, if the sentence says."""
    if claim.baseline:
        return claim.baseline
    after = claim.sentence[claim.number_end - claim.start:][:120]
    own = re.split(r"[;]|\d|, (?:while|whereas|and)\b", after, maxsplit=1)[0]
    named = _AGAINST.search(own) or _FIGURE_OF.search(after)
    if named:
        return named.group(1).strip()
    if claim.comparison:
        return "a stated baseline figure"
    return ""


def _leans(sentence: str) -> bool:
    """The sentence points back at something said before it: it opens on "This …", or
    its first clause speaks of "these corrections" or "such methods"."""
    return leans_back(sentence) or bool(_POINTS_BACK.search(sentence.split(",")[0][:90]))


_POINTS_BACK = re.compile(r"\b(?:these|those|such|this)\s+(?!paper|work|study|article)"
                          r"[a-z][\w\-]*", re.I)


def _whole(line: str, sentence: str, name: str) -> bool:
    """The line is its sentence whole (less a leading purpose clause), not a cut."""
    text = PURPOSE.sub("", sentence, count=1)
    return line.rstrip(".") == third_person(text, name).rstrip().rstrip(".")


def _line_of(sentence: str, name: str) -> str:
    """A sentence as a one-line contribution: without a leading purpose clause, whole if
    short, else cut before a clause that hangs on it; '' when no clean line comes out."""
    text = PURPOSE.sub("", sentence, count=1)
    text = re.sub(r"^(\s*we)\s+(?:further|also|additionally|then)\b", r"\1", text, flags=re.I)
    if _leans(text) or text.rstrip().endswith("?"):
        return ""
    line = third_person(text, name).rstrip()
    if len(line) <= ONE_LINE:
        return line.rstrip(".") + "."
    for cut in reversed(list(_CLAUSE_CUT.finditer(line, 40, ONE_LINE + 1))):
        head = line[:cut.start()].rstrip(",;: ")
        if len(head) >= 40 and not _FUNCTION_END.search(head) and not _REPORTING.search(head) \
                and head.count("(") == head.count(")"):
            return head + "."
    return ""


def _clause_with(sentence: str, pattern: re.Pattern) -> str:
    """The clause of ``sentence`` that holds ``pattern`` (split at ; , while but)."""
    match = pattern.search(sentence)
    if not match:
        return ""
    splits = r";\s|,\s(?:while|but|although|whereas|though)\s|\s(?:but|while|although|whereas)\s"
    start = max([m.end() for m in re.finditer(splits, sentence) if m.end() <= match.start()],
                default=0)
    end = min([m.start() for m in re.finditer(splits, sentence) if m.start() >= match.end()],
              default=len(sentence))
    return sentence[start:end].strip().rstrip(".;,")
