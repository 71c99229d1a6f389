"""Concrete facts that connect papers: the benchmarks and datasets they evaluate on, the
metrics they report, the baselines they compare with, the model families they build on.
Reading order and synthesis connect picks only through these — never through a shared
word — and say which fact connects them."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from arxiv_digest.text.binding_words import METRIC, canonical_metric
from arxiv_digest.text.latex import latex_to_text
from arxiv_digest.memo import remembered_here

BENCHMARKS = [
    "ImageNet", "CIFAR-10", "CIFAR-100", "MS-COCO", "COCO", "LAION", "FFHQ", "CelebA-HQ",
    "CelebA", "LSUN", "AFHQ", "GenEval", "DPG-Bench", "T2I-CompBench", "VBench", "VBench++",
    "HPSv2", "PartiPrompts", "DrawBench", "Kinetics-600", "Kinetics", "UCF-101", "UCF101",
    "WebVid", "OpenVid", "MSR-VTT", "ShapeNet", "Objaverse", "LibriSpeech", "LJSpeech",
    "GSM8K", "MATH500", "MATH", "HumanEval", "MBPP", "MMLU", "AIME", "OpenWebText", "LM1B",
    "text8", "ScanNet", "nuScenes", "Waymo", "KITTI", "ADE20K", "Cityscapes", "DIV2K",
    "BraTS", "fastMRI", "CheXpert", "MIMIC-CXR", "ERA5", "LIBERO", "CALVIN", "RLBench",
    "Meta-World", "D4RL",
]
FAMILIES = [
    "Stable Diffusion", "SDXL", "SD3", "SD 3.5", "FLUX", "DiT", "SiT", "U-ViT", "MDLM",
    "LLaDA", "Dream", "SEDD", "EDM", "DDPM", "DDIM", "DPM-Solver", "Consistency Models",
    "consistency model", "flow matching", "rectified flow", "MeanFlow", "Wan", "HunyuanVideo",
    "CogVideoX", "Sora", "Open-Sora", "LTX-Video", "PixArt", "Lumina", "Qwen-Image",
    "Emu", "VAR", "MAR", "ControlNet", "LoRA", "DreamBooth", "Diffusion Policy", "Imagen",
    "DINOv2", "DINOv3", "DINO", "CLIP", "SigLIP", "T5", "Fast-dLLM", "Lumina-Next", "Janus",
    "Stable Video Diffusion", "AnimateDiff", "Mochi", "Hunyuan", "Seedream", "GPT-4o",
]
# What a paper "reports" for the synthesis: evaluation metrics, not sizes or costs.
_NOT_REPORTED = {"parameters", "params", "steps", "sampling steps", "memory", "compute",
                 "training compute", "training cost", "nfe", "latency", "throughput",
                 "speed-up", "speedup", "convergence", "training speed", "inference speed",
                 "sampling speed", "generation speed", "flops", "macs", "r", "precision",
                 "recall", "correlation"}
BENCHMARK = _BENCH = re.compile(r"(?<![\w-])(" + "|".join(re.escape(b) for b in sorted(BENCHMARKS, key=len,
                                                                         reverse=True))
                    + r")(?![\w+])")
_FAMILY = re.compile(r"(?<![\w-])(" + "|".join(re.escape(f) for f in sorted(FAMILIES, key=len,
                                                                           reverse=True))
                     + r")(?![\w-])", re.I)
_CANON_FAMILY = {f.lower(): f for f in FAMILIES}
_BASELINE = re.compile(r"\b(?:outperform\w*|surpass\w*|beat\w*|over|than|compared (?:to|with)|"
                       r"versus|vs\.?)\s+(?:the\s+)?(?:strong\s+)?(?:baselines?\s+)?(?:such as\s+)?"
                       r"([A-Z][\w\-+.]*[A-Za-z0-9+](?:[\s-][A-Z0-9][\w\-+.]*)?)")


@dataclass
class PaperFacts:
    benchmarks: set[str] = field(default_factory=set)
    metrics: set[str] = field(default_factory=set)
    baselines: set[str] = field(default_factory=set)
    families: set[str] = field(default_factory=set)


@remembered_here
@lru_cache(maxsize=20000)
def facts_of(title: str, abstract: str) -> PaperFacts:
    """What the paper names (shared read-only: do not change the result)."""
    text = latex_to_text(f"{title}. {abstract}")
    found = PaperFacts()
    found.benchmarks = {m.group(1) for m in _BENCH.finditer(text)}
    found.families = {_CANON_FAMILY.get(m.group(1).lower(), m.group(1))
                      for m in _FAMILY.finditer(text)}
    for match in METRIC.finditer(text):
        name = canonical_metric(match.group(1))
        if name and len(name) > 2 and name.lower() not in _NOT_REPORTED:
            found.metrics.add(name)
    found.baselines = {m.group(1).rstrip(".") for m in _BASELINE.finditer(text)
                       if m.group(1) not in found.benchmarks}
    return found


def shared(a: PaperFacts, b: PaperFacts) -> list[tuple[str, str]]:
    """What two papers concretely share, strongest first: (kind, name)."""
    out = []
    for kind, left, right in (("baseline", a.baselines, b.baselines),
                              ("benchmark", a.benchmarks, b.benchmarks),
                              ("model family", a.families, b.families),
                              ("metric", a.metrics, b.metrics)):
        for name in sorted(left & right):
            out.append((kind, name))
    return out


def describe(kind: str, names: list[str]) -> str:
    """'both evaluate on ImageNet', 'both build on FLUX', 'both report FID'."""
    joined = " and ".join(names[:2])
    return {"baseline": f"compare against {joined}",
            "benchmark": f"evaluate on {joined}",
            "model family": f"build on or study {joined}",
            "metric": f"report {joined}"}[kind]
