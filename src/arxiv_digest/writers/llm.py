"""The LLM writer: prose by any OpenAI-compatible model, grounded and fail-safe.

It starts from the offline writer's digest, so every fact field comes from data and
every prose field has a verified fallback. The model writes each pick's sections
(one request per pick) and the day's dek, reading order and synthesis (one request);
what comes back is screened for echoed instructions, given source markers, and checked
by the verifier sentence by sentence. A section that loses its substance (no sentence
left, or less than half of the text) keeps the offline text, and the colophon says so.
Nothing the model does can fail the run.
"""

from __future__ import annotations

import re

from arxiv_digest.claims import sentences
from arxiv_digest.digest import SECTION_NAMES, ClaimRef, Digest, Verification
from arxiv_digest.llm.backend import LLMBackend, LLMRequest, LLMResult
from arxiv_digest.llm.prompts import DayProse, PickProse, day_messages, pick_messages
from arxiv_digest.llm.screen import has_injection
from arxiv_digest.verify import bank_for, verify_text
from arxiv_digest.writers import DigestPlan, register
from arxiv_digest.writers.offline import OfflineWriter, with_marker

_MARKER = re.compile(r"\s*\[\d+\]")


def _sentences(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in sentences(text or "") if text[a:b].strip()]


@register("llm")
class LLMWriter:
    name = "llm"

    def __init__(self, settings=None, store=None, max_tokens: int | None = None, client=None,
                 backend: LLMBackend | None = None, **context):
        if backend is None:
            if settings is None or store is None:
                raise ValueError("the llm writer needs settings and a store")
            backend = LLMBackend(settings.llm, store, max_tokens=max_tokens, client=client)
        self.backend = backend
        self.screened = 0        # instruction-like spans neutralised in the inputs
        self.fallbacks: list[str] = []

    def requests(self, plan: DigestPlan) -> tuple[Digest, list[LLMRequest]]:
        """The offline digest the model's prose will replace, and the requests that ask
        for it: one per pick, one for the day."""
        digest = OfflineWriter().write(plan)
        requests = []
        for pick, candidate in zip(digest.picks, plan.picks):
            messages, screened = pick_messages(pick, candidate)
            self.screened += screened
            requests.append(LLMRequest(f"pick:{pick.id}", messages, PickProse))
        messages, screened = day_messages(digest)
        self.screened += screened
        requests.append(LLMRequest("day", messages, DayProse))
        return digest, requests

    def write(self, plan: DigestPlan) -> Digest:
        digest, requests = self.requests(plan)
        bank = bank_for(digest, plan)
        results = self.backend.run(requests)
        report = digest.verification
        for pick, result in zip(digest.picks, results[:-1]):
            if result.value is None:
                self._fall_back(f"{pick.short_name}: all sections", result, len(SECTION_NAMES))
                continue
            for name in SECTION_NAMES:
                proposed = self._grounded(getattr(result.value, name), pick.source)
                kept = self._accept(proposed, bank, f"{pick.short_name} {name}", report, None)
                if kept is None:
                    self._fall_back(f"{pick.short_name} {name}", None, 1)
                else:
                    pick.sections[name] = kept
            pick.claims = [ClaimRef(s, pick.source) for name in SECTION_NAMES
                           for s in _sentences(pick.sections[name]) if _MARKER.search(s)]
        day = results[-1]
        if day.value is None:
            self._fall_back("dek, reading order and synthesis", day, 3)
        else:
            for field in ("dek", "reading_order", "synthesis"):
                text = " ".join(s for s in _sentences(getattr(day.value, field))
                                if not self._echo(s, report, field))
                kept = self._accept(text, bank, field, report, None)
                if kept is None:
                    self._fall_back(field, None, 1)
                else:
                    setattr(digest, field, kept)
        report.fallbacks += sum(1 for _ in self.fallbacks)
        report.details.extend(f"offline text kept for {f}" for f in self.fallbacks)
        digest.writer = self.name
        digest.writer_note = self._note(results)
        return digest

    # -- helpers --------------------------------------------------------------------------

    def _echo(self, sentence: str, report: Verification, where: str) -> bool:
        """A sentence repeating instruction-like text is dropped and counted."""
        if has_injection(sentence):
            report.dropped += 1
            report.details.append(f"{where}: dropped an instruction-like sentence")
            return True
        return False

    def _grounded(self, text: str, source: int) -> str:
        """The model writes without markers; every sentence of a pick's section is about
        that pick, so each gets the pick's marker (and the verifier checks it)."""
        bare = (_MARKER.sub("", s).strip() for s in _sentences(text))
        return " ".join(with_marker(s, source) for s in bare if s)

    def _accept(self, text: str, bank, where: str, report: Verification,
                default_source: int | None) -> str | None:
        """Verified text, or None when too little survives to stand in for the fallback."""
        scratch = Verification()
        clean = " ".join(s for s in _sentences(text) if not has_injection(s))
        injected = len(_sentences(text)) - len(_sentences(clean))
        kept = verify_text(clean, bank, where, scratch, default_source)
        report.dropped += scratch.dropped + injected
        report.details.extend(scratch.details)
        if injected:
            report.details.append(f"{where}: dropped {injected} instruction-like sentence(s)")
        if not kept or len(kept) < 0.5 * len(text):
            return None
        return kept

    def _fall_back(self, what: str, result: LLMResult | None, parts: int) -> None:
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
