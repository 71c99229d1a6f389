"""A pick's headline number: only a claim bound with confidence to its quantity,
direction and subject — the paper's own result or finding, never a baseline's number, a
setting, a size or a name. With none, no number is shown."""

from __future__ import annotations

import re

from arxiv_digest.text.binding import Binding, bind_claim
from arxiv_digest.text.claims import Claim

QUALITY = re.compile(r"\b(?:FID|FVD|KID|IS|PSNR|SSIM|LPIPS|GenEval|VBench|DPG-Bench|CLIP|"
                     r"accuracy|AUROC|AUC|mIoU|BLEU|success rate|win rate|pass@1|WER|CER|NLL|"
                     r"perplexity|HPS\w*|ImageReward|PickScore|F1|mAP|Chamfer|error)\b", re.I)
SIZE = re.compile(r"\b(?:parameters?|params|memory|storage|model size)\b", re.I)
_KIND_BONUS = {"speedup": 0.3, "improvement": 0.3, "reduction": 0.25, "result": 0.1,
               "bound": 0.2}


def choose_highlight(claims: list[Claim], names: tuple[str, ...] = ()
                     ) -> tuple[Claim, Binding] | None:
    """The claim (and its binding) that best carries the paper's key number, if any."""
    best, best_score = None, float("-inf")
    for claim in claims:
        if claim.field == "comment" or claim.kind == "count":
            continue
        binding = bind_claim(claim, names)
        if not binding.confident or binding.subject == "baseline":
            continue
        score = claim.strength + _KIND_BONUS.get(claim.kind, 0.0)
        if QUALITY.search(binding.quantity or ""):
            score += 0.3                       # the main quality number first (FID 1.45)
        elif SIZE.search(binding.quantity or ""):
            score -= 0.3                       # a size saving is a side number
        score += 0.2 if claim.field == "title" else 0.0
        score += 0.15 if binding.direction != "none" else 0.0
        score += 0.1 if binding.subject == "method" else 0.0
        if score > best_score:
            best, best_score = (claim, binding), score
    return best
