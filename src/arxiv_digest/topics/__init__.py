"""Topic profiles: which listing categories, what counts as on-topic, signal weights.

Profiles are TOML files. ``diffusion`` ships with the package; users add their own
as ``<data dir>/profiles/<name>.toml`` (a user profile of the same name wins) or pass
a path. See ``profiles/diffusion.toml`` for the format.

A profile's identity is its file name: everything kept per profile (verdicts, digests,
feedback, deliveries) is keyed by it. A ``name`` inside the file may only repeat it, and
a profile passed by path may not take the name of another profile with other text, so
no profile can stand in for, or overwrite, another.
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
# The relevance judgement's version: part of every profile's fingerprint, so verdicts
# stored under an older judgement of the same profile text are assessed again. Bump it
# whenever topics.relevance can reach another verdict for the same text.
JUDGEMENT = "2: mentions in passing"


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
    fingerprint: str = ""             # changes whenever the profile's text (or JUDGEMENT) does
    recipients: list[str] = field(default_factory=list)   # [publish] recipients (daily)
    on_site: bool = True                                    # [publish] site (daily)
    channels: list[str] | None = None       # [publish] channels: names; None: every one

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


def load_profiles(names: list[str] | None, home: Path | None
                  ) -> tuple[list[Profile], list[ConfigError]]:
    """The profiles named (every available one when ``names`` is None) that load, and
    why each of the others does not."""
    loaded, broken = [], []
    for name in available_profiles(home) if names is None else names:
        try:
            loaded.append(load_profile(name, home))
        except ConfigError as exc:
            broken.append(exc)
    return loaded, broken


def load_profile(name_or_path: str | None = None, home: Path | None = None) -> Profile:
    """Load a profile by name (user directory first, then built-in) or by file path."""
    name_or_path = name_or_path or DEFAULT_PROFILE
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        return _load_path(candidate, home)
    if home is not None:
        user = home / "profiles" / f"{name_or_path}.toml"
        if user.is_file():
            return parse_profile(_read(user), str(user), name=name_or_path)
    builtin = _builtin_dir() / f"{name_or_path}.toml"
    if builtin.is_file():
        return parse_profile(builtin.read_text(encoding="utf-8"), f"built-in {name_or_path}",
                             name=name_or_path)
    known = ", ".join(available_profiles(home))
    raise ConfigError(f"no profile named {name_or_path!r}; available: {known}. Add one as "
                      f"<data dir>/profiles/{name_or_path}.toml or pass a path")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read profile {path}: {exc.strerror or exc}") from exc


def _load_path(path: Path, home: Path | None) -> Profile:
    """A profile passed as a file: named by its ``name`` (else its file name), which must
    not be another profile's unless it is that profile's file or has its exact text."""
    if not path.is_file():
        raise ConfigError(f"profile file {path} does not exist")
    text = _read(path)
    own_dir = home is not None and path.resolve().parent == (home / "profiles").resolve()
    profile = parse_profile(text, str(path), name=path.stem if own_dir else None)
    if profile.name in available_profiles(home):
        registered = load_profile(profile.name, home)
        if registered.fingerprint != profile.fingerprint:
            raise ConfigError(
                f"{path}:{_name_line(text)}: this profile calls itself {profile.name!r}, the "
                f"name of the profile at {registered.source}, whose text differs; give it a "
                f"name of its own (name = \"...\") so neither overwrites the other's verdicts "
                f"and digests")
    return profile


def _name_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.split("=", 1)[0].strip() == "name" and "=" in line:
            return number
    return 1


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


def parse_profile(text: str, where: str, name: str | None = None) -> Profile:
    """A profile from its TOML text. ``name`` is the name it is registered under (its
    file name); the file's own ``name``, if any, must agree with it."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: invalid TOML ({exc})") from exc
    if "categories" not in data:
        raise ConfigError(f"{where}: missing required key 'categories'")
    own = data.get("name")
    if own is not None and (not isinstance(own, str) or not own.strip()):
        raise ConfigError(f"{where}:{_name_line(text)}: name must be a non-empty string")
    if name is not None and own is not None and own != name:
        raise ConfigError(
            f"{where}:{_name_line(text)}: name = {own!r} but the file is {name}.toml; a "
            f"profile is known by its file name: set name = {name!r} or remove the line")
    name = name or own or Path(where).stem
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
    channels = publish.get("channels")
    if channels is not None and (not isinstance(channels, list)
                                 or not all(isinstance(c, str) for c in channels)):
        raise ConfigError(f"{where}: [publish] channels must be a list of channel names "
                          "(the name of each [[channels]] table in config.toml)")
    return Profile(
        name=name, title=str(data.get("title", name)), noun=str(data.get("noun", name)),
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
        fingerprint=hashlib.sha256(f"{JUDGEMENT}\n{text}".encode()).hexdigest()[:16],
        recipients=list(recipients), on_site=publish.get("site", True),
        channels=None if channels is None else list(dict.fromkeys(channels)),
    )
