"""The LLM writer: when a model is configured, it writes every word a reader sees, and
every word is checked.

It starts from the offline writer's digest, so every fact field comes from data and
every field has a verified fallback. Two stages: first one request per pick for all
that a reader sees of it — short name, headline, one-line contribution, research area
and the five sections; then, from what survived the checks (not from titles), one
request for the day's dek, reading order and synthesis. The prompts state the rules the
verifier enforces, in its terms. Each field is checked before use: the short name must
be the paper's own, the headline must pass the meaning check and name its quantity and
stand in the results, the area must be one of the profile's, the one-liner one complete
sentence. A field that fails falls back alone — to the offline value only when that is
confident, else to nothing. In prose a refused sentence is dropped alone; a section is
replaced by the offline text only when nothing of the model's survives. Nothing the
model does can fail the run.
"""

from __future__ import annotations

import re

from arxiv_digest.text.claims import extract_text, sentences
from arxiv_digest.text.binding import bind_claim
from arxiv_digest.digest import SECTION_NAMES, ClaimRef, Digest, Pick, Verification
from arxiv_digest.llm.backend import LLMBackend, LLMRequest, LLMResult
from arxiv_digest.writers.prompts import DayProse, PickProse, day_messages, pick_messages
from arxiv_digest.llm.screen import has_injection
from arxiv_digest.text.claims import number_key
from arxiv_digest.rank import Candidate
from arxiv_digest.text.roles import leans_back
from arxiv_digest.verify import bank_for, facts, verify_text
from arxiv_digest.writers import DigestPlan, register
from arxiv_digest.writers.offline import OfflineWriter, with_marker

_MARKER = re.compile(r"\s*\[\d+\]")
UNAREA = ("other topics", "applications")


def _sentences(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in sentences(text or "") if text[a:b].strip()]


@register("llm")
class LLMWriter:
    name = "llm"
    needs_model = True

    def __init__(self, settings=None, store=None, max_tokens: int | None = None, client=None,
                 backend: LLMBackend | None = None, **context):
        if backend is None:
            if settings is None or store is None:
                raise ValueError("the llm writer needs settings and a store")
            backend = LLMBackend(settings.llm, store, max_tokens=max_tokens, client=client)
        self.backend = backend
        self.screened = 0        # instruction-like spans neutralised in the inputs
        self.fallbacks: list[str] = []

    # -- requests -------------------------------------------------------------------------

    def pick_requests(self, digest: Digest, plan: DigestPlan) -> list[LLMRequest]:
        areas = list(plan.profile.areas)
        requests = []
        for pick, candidate in zip(digest.picks, plan.picks):
            messages, screened = pick_messages(pick, candidate, areas)
            self.screened += screened
            requests.append(LLMRequest(f"pick:{pick.id}", messages, PickProse))
        return requests

    def day_request(self, digest: Digest) -> LLMRequest:
        messages, screened = day_messages(digest)
        self.screened += screened
        return LLMRequest("day", messages, DayProse)

    def requests(self, plan: DigestPlan) -> tuple[Digest, list[LLMRequest]]:
        """The offline digest the model's text will replace, and the requests a digest
        costs: one per pick, and the day's (here built from the offline text, which
        stands in for the verified picks it is built from in :meth:`write`)."""
        digest = OfflineWriter().write(plan)
        return digest, self.pick_requests(digest, plan) + [self.day_request(digest)]

    # -- writing --------------------------------------------------------------------------

    def write(self, plan: DigestPlan) -> Digest:
        digest = OfflineWriter().write(plan)
        bank = bank_for(digest, plan)
        report = digest.verification
        results = self.backend.run(self.pick_requests(digest, plan))
        for pick, candidate, result in zip(digest.picks, plan.picks, results):
            if result.value is None:
                self._fall_back(f"{pick.short_name}: all of it", result)
                continue
            PickFields(self, pick, candidate, plan, bank, report).apply(result.value)
        names = [p.short_name for p in digest.picks]
        if len(set(names)) < len(names):          # the model named two picks alike
            for pick, candidate in zip(digest.picks, plan.picks):
                if names.count(pick.short_name) > 1:
                    pick.short_name = candidate.short_name
        offline = OfflineWriter()
        digest.dek, digest.headline = offline.dek(digest)    # the strip from the headlines
        day = self.backend.run([self.day_request(digest)])[0]
        results.append(day)
        if day.value is None:
            self._fall_back("dek, reading order and synthesis", day)
            digest.reading_order = offline.reading_order(digest, plan)
            digest.synthesis = offline.synthesis(digest, plan)
        else:
            self._day(digest, plan, day.value, bank, report)
        report.fallbacks += len(self.fallbacks)
        report.details.extend(f"offline text kept for {f}" for f in self.fallbacks)
        digest.writer = self.name
        digest.writer_note = self._note(results)
        return digest

    def _day(self, digest: Digest, plan: DigestPlan, value, bank, report) -> None:
        offline = OfflineWriter()
        fallback = {"dek": digest.dek, "reading_order": offline.reading_order(digest, plan),
                    "synthesis": offline.synthesis(digest, plan)}
        for field in ("dek", "reading_order", "synthesis"):
            text = " ".join(s for s in _sentences(getattr(value, field))
                            if not self._echo(s, report, field))
            kept = self.accept(mark_picks(text, digest.picks), bank, field, report)
            if kept is None and text.strip():
                self._fall_back(field, None)
                kept = fallback[field]
            setattr(digest, field, kept or "")

    # -- helpers --------------------------------------------------------------------------

    def _echo(self, sentence: str, report: Verification, where: str) -> bool:
        """A sentence repeating instruction-like text is dropped and counted."""
        if has_injection(sentence):
            report.dropped += 1
            report.details.append(f"{where}: dropped an instruction-like sentence")
            return True
        return False

    def accept(self, text: str, bank, where: str, report: Verification,
               default_source: int | None = None) -> str | None:
        """The verified sentences of ``text``, each refused one dropped alone; None when
        nothing coherent survives (no sentence, or only one that points back at a
        dropped one)."""
        scratch = Verification()
        clean = " ".join(s for s in _sentences(text) if not has_injection(s))
        injected = len(_sentences(text)) - len(_sentences(clean))
        kept = verify_text(clean, bank, where, scratch, default_source)
        report.dropped += scratch.dropped + injected
        report.details.extend(scratch.details)
        if injected:
            report.details.append(f"{where}: dropped {injected} instruction-like sentence(s)")
        left = _sentences(kept)
        if not left or (scratch.dropped and len(left) == 1 and leans_back(left[0])):
            return None
        return kept

    def _fall_back(self, what: str, result: LLMResult | None) -> None:
        reason = f" ({result.error})" if result is not None and result.error else ""
        self.fallbacks.append(what + reason)

    def _note(self, results: list[LLMResult]) -> str:
        dates = sorted(r.created_at[:10] for r in results if r.value is not None and r.created_at)
        when = f", written {dates[0]}" if dates else ""
        used = sum(1 for r in results if r.value is not None)
        usage = self.backend.usage
        mode = f"replies as {self.backend.mode.label}" + (
            f" ({usage.mode_reason})" if usage.mode_reason else "")
        return (f"model {self.backend.model}{when}; {used} of {len(results)} requests answered; "
                f"{mode}; {len(self.fallbacks)} part(s) kept the offline text; "
                f"{self.screened} instruction-like span(s) neutralised in the inputs")


class PickFields:
    """One pick's reply, field by field: each checked, each falling back alone."""

    def __init__(self, writer: LLMWriter, pick: Pick, candidate: Candidate, plan: DigestPlan,
                 bank, report: Verification):
        self.writer, self.pick, self.candidate = writer, pick, candidate
        self.plan, self.bank, self.report = plan, bank, report

    def apply(self, value) -> None:
        pick = self.pick
        offline = {"highlight": pick.highlight, "one_line": pick.one_line, "area": pick.area}
        pick.short_name = own_name(value.short_name, self.candidate) or pick.short_name
        self.bank[pick.source].names = tuple(dict.fromkeys(
            (pick.short_name, *self.bank[pick.source].names)))
        for name in SECTION_NAMES:
            self._section(name, getattr(value, name))
        pick.claims = [ClaimRef(s, pick.source) for name in SECTION_NAMES
                       for s in _sentences(pick.sections[name]) if _MARKER.search(s)]
        pick.highlight = self._headline(value.headline, offline["highlight"])
        pick.one_line = self._one_line(value.one_line) or offline["one_line"]
        area = value.area.strip()
        pick.area = area if area in self.plan.profile.areas else (
            offline["area"] if offline["area"] not in UNAREA else "")
        if area and area not in self.plan.profile.areas:
            self.report.details.append(f"{pick.short_name} area: {area!r} is not one of the "
                                       f"profile's; kept {pick.area or 'none'}")

    def _section(self, name: str, text: str) -> None:
        pick = self.pick
        bare = [_MARKER.sub("", s).strip() for s in _sentences(text)]
        proposed = " ".join(with_marker(s, pick.source) for s in bare if s)
        if not proposed:
            if name == "limits":              # nothing to concede: the section is left out
                pick.sections[name] = ""
            else:
                self.writer._fall_back(f"{pick.short_name} {name}", None)
            return
        kept = self.writer.accept(proposed, self.bank, f"{pick.short_name} {name}",
                                  self.report)
        if kept is None:
            self.writer._fall_back(f"{pick.short_name} {name}", None)
        else:
            pick.sections[name] = kept

    def _headline(self, proposed: str, offline: str) -> str:
        """The model's headline if it passes the meaning check, names its quantity and
        its number stands in the results; else the offline one under the same test."""
        for candidate in (proposed.strip().rstrip("."), offline):
            if candidate and self._headline_holds(candidate):
                return candidate
            if candidate and candidate == proposed.strip().rstrip("."):
                self.report.details.append(
                    f"{self.pick.short_name} headline: {candidate!r} not used")
        return ""

    def _headline_holds(self, text: str) -> bool:
        pick = self.pick
        scratch = Verification()
        if verify_text(text + ".", self.bank, f"{pick.short_name} headline", scratch,
                       pick.source).rstrip(".") != text:
            self.report.details.extend(scratch.details)
            return False
        claims = [c for c in extract_text(text, "digest") if number_key(c.text)]
        if not claims:
            return False
        bound = [bind_claim(c, (pick.short_name,)) for c in claims]
        if not any(b.role == "result" and b.quantity for b in bound):
            return False                          # a number with no quantity says nothing
        shown = {number_key(n) for n, _ in facts(pick.sections["results"])[0]}
        return all(number_key(n) in shown for n, _ in facts(text)[0])

    def _one_line(self, proposed: str) -> str:
        line = " ".join(proposed.split()).strip()
        if not line or len(_sentences(line)) != 1 or len(line) > 240 or leans_back(line):
            return ""
        line = line.rstrip(".") + "."
        scratch = Verification()
        checked = verify_text(line, self.bank, f"{self.pick.short_name} one_line", scratch,
                              self.pick.source)
        self.report.details.extend(scratch.details)
        return line if checked.rstrip(".") == line.rstrip(".") else ""


def own_name(proposed: str, candidate: Candidate) -> str:
    """The model's short name when it is the paper's own: it occurs as written in the
    title, abstract or comment (as a word, not inside one)."""
    name = " ".join((proposed or "").split()).strip(" .,:;\"'")
    if not name or len(name) > 40 or len(name.split()) > 5 or has_injection(name):
        return ""
    paper = candidate.paper
    text = " ".join(x for x in (paper.title, paper.abstract, paper.comment) if x)
    found = re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)
    return name if found else ""


def mark_picks(text: str, picks: list[Pick]) -> str:
    """Each sentence of day-level prose cites the picks it names (longest names first,
    so "DiT" inside "DiT-Reward" is not a second pick)."""
    out = []
    for sentence in _sentences(text):
        if _MARKER.search(sentence):
            out.append(sentence)
            continue
        rest, cited = sentence, []
        for pick in sorted(picks, key=lambda p: -len(p.short_name)):
            pattern = r"(?<![\w-])" + re.escape(pick.short_name) + r"(?![\w-])"
            if re.search(pattern, rest):
                cited.append(pick.source)
                rest = re.sub(pattern, " ", rest)
        out.append(_with_markers(sentence, sorted(cited)) if cited else sentence)
    return " ".join(out)


def _with_markers(sentence: str, sources: list[int]) -> str:
    body = sentence.rstrip()
    end = ""
    while body and body[-1] in ".!?":
        end = body[-1] + end
        body = body[:-1]
    return body + " " + "".join(f"[{n}]" for n in sources) + (end or ".")
