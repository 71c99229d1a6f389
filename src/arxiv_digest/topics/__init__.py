"""Topic profiles: which listing categories, what counts as on-topic, signal weights.

Profiles are TOML files. ``diffusion`` ships with the package; users add their own
as ``<data dir>/profiles/<name>.toml`` (a user profile of the same name wins) or pass
a path. See ``profiles/diffusion.toml`` for the format.
"""

from __future__ import annotations

import tomllib
import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from arxiv_digest.errors import ConfigError
from arxiv_digest.topics.terms import PhraseIndex, TermSet

DEFAULT_PROFILE = "diffusion"


@dataclass
class Profile:
    name: str
    title: str
    noun: str
    description: str
    categories: list[str]
    topic: TermSet
    core: TermSet
    application: TermSet
    exclude: TermSet
    weights: dict[str, float]
    areas: dict[str, TermSet] = field(default_factory=dict)
    pass_score: float = 4.0
    title_factor: float = 2.0
    max_repeats: int = 3
    source: str = ""
    fingerprint: str = ""             # changes whenever the profile's text changes
    recipients: list[str] = field(default_factory=list)   # [publish] recipients (daily)
    on_site: bool = True                                    # [publish] site (daily)

    def __post_init__(self):
        self.index = PhraseIndex({"topic": self.topic, "core": self.core,
                                  "application": self.application, "exclude": self.exclude})


def _builtin_dir():
    return resources.files("arxiv_digest.topics") / "profiles"


def available_profiles(home: Path | None = None) -> dict[str, str]:
    """Profile name -> where it comes from (user profiles override built-in ones)."""
    found = {}
    for entry in _builtin_dir().iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name[:-5]] = "built-in"
    if home is not None and (home / "profiles").is_dir():
        for path in sorted((home / "profiles").glob("*.toml")):
            found[path.stem] = str(path)
    return dict(sorted(found.items()))


def load_profile(name_or_path: str | None = None, home: Path | None = None) -> Profile:
    """Load a profile by name (user directory first, then built-in) or by file path."""
    name_or_path = name_or_path or DEFAULT_PROFILE
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        if not candidate.is_file():
            raise ConfigError(f"profile file {candidate} does not exist")
        return parse_profile(candidate.read_text(encoding="utf-8"), str(candidate))
    if home is not None:
        user = home / "profiles" / f"{name_or_path}.toml"
        if user.is_file():
            return parse_profile(user.read_text(encoding="utf-8"), str(user))
    builtin = _builtin_dir() / f"{name_or_path}.toml"
    if builtin.is_file():
        return parse_profile(builtin.read_text(encoding="utf-8"), f"built-in {name_or_path}")
    known = ", ".join(available_profiles(home))
    raise ConfigError(f"no profile named {name_or_path!r}; available: {known}. Add one as "
                      f"<data dir>/profiles/{name_or_path}.toml or pass a path")


def _weights(table: object, where: str, key: str) -> dict[str, float]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [{key}] must be a table of phrase = weight")
    out = {}
    for phrase, weight in table.items():
        if not isinstance(weight, (int, float)) or isinstance(weight, bool):
            raise ConfigError(f"{where}: [{key}] {phrase!r} needs a numeric weight")
        out[phrase] = float(weight)
    return out


def parse_profile(text: str, where: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML ({exc})") from exc
    for key in ("name", "categories"):
        if key not in data:
            raise ConfigError(f"{where}: missing required key {key!r}")
    relevance = data.get("relevance", {})
    topic = _weights(relevance.get("topic"), where, "relevance.topic")
    if not topic:
        raise ConfigError(f"{where}: [relevance.topic] needs at least one phrase")
    exclude = relevance.get("exclude", {}).get("terms", [])
    if not isinstance(exclude, list) or not all(isinstance(t, str) for t in exclude):
        raise ConfigError(f"{where}: [relevance.exclude] terms must be a list of strings")
    weights = _weights(data.get("weights"), where, "weights") or {"relevance": 1.0}
    if any(w < 0 for w in weights.values()) or not sum(weights.values()) > 0:
        raise ConfigError(f"{where}: [weights] must be non-negative with a positive sum")
    areas = {}
    for area, phrases in (data.get("areas") or {}).items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ConfigError(f"{where}: [areas] {area!r} must be a list of phrases")
        areas[area] = TermSet({p: 1.0 for p in phrases})
    categories = data["categories"]
    if not isinstance(categories, list) or not categories:
        raise ConfigError(f"{where}: categories must be a non-empty list")
    publish = data.get("publish") or {}
    recipients = publish.get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise ConfigError(f"{where}: [publish] recipients must be a list of addresses")
    if not isinstance(publish.get("site", True), bool):
        raise ConfigError(f"{where}: [publish] site must be true or false")
    return Profile(
        name=str(data["name"]), title=str(data.get("title", data["name"])),
        noun=str(data.get("noun", data["name"])),
        description=" ".join(str(data.get("description", "")).split()),
        categories=[str(c) for c in categories],
        topic=TermSet(topic),
        core=TermSet(_weights(relevance.get("core"), where, "relevance.core")),
        application=TermSet(_weights(relevance.get("application"), where,
                                     "relevance.application")),
        exclude=TermSet({t: 1.0 for t in exclude}),
        weights=weights,
        areas=areas,
        pass_score=float(relevance.get("pass_score", 4.0)),
        title_factor=float(relevance.get("title_factor", 2.0)),
        max_repeats=int(relevance.get("max_repeats", 3)),
        source=where,
        fingerprint=hashlib.sha256(text.encode()).hexdigest()[:16],
        recipients=list(recipients), on_site=publish.get("site", True),
    )
