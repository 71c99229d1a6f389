"""Settings: the user directory, ``config.toml`` inside it, and environment overrides.

Precedence, lowest first: built-in defaults, ``$HOME_DIR/config.toml``, environment
variables, then explicit command-line options (applied by the caller).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from arxiv_digest import __version__
from arxiv_digest.errors import ConfigError

DEFAULT_CATEGORIES = ["cs.CV", "cs.LG"]
DEFAULT_FEED_URL = "https://rss.arxiv.org/atom/{category}"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
ARXIV_MIN_API_INTERVAL = 3.0  # seconds between export-API requests, arXiv's policy


def default_home() -> Path:
    override = os.environ.get("ARXIV_DIGEST_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("arxiv-digest", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path
    categories: list[str] = field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    feed_url: str = DEFAULT_FEED_URL
    api_url: str = DEFAULT_API_URL
    api_min_interval: float = ARXIV_MIN_API_INTERVAL
    feed_min_interval: float = 1.0
    contact: str = ""
    http_timeout: float = 30.0
    http_retries: int = 4
    holidays: tuple[date, ...] = ()

    @property
    def db_path(self) -> Path:
        return self.home / "arxiv-digest.db"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache" / "http"

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.contact}" if self.contact else ""
        return f"arxiv-digest/{__version__} (daily research digest{contact})"

    def with_categories(self, categories: list[str] | None) -> "Settings":
        return replace(self, categories=list(categories)) if categories else self


def parse_categories(text: str) -> list[str]:
    cats = [c.strip() for c in text.replace(" ", ",").split(",") if c.strip()]
    for cat in cats:
        if "." not in cat and "-" not in cat and not cat.isalpha():
            raise ConfigError(f"not an arXiv category: {cat!r} (expected e.g. cs.CV)")
    return cats


def load_settings(home: Path | None = None) -> Settings:
    home = home or default_home()
    values: dict = {}
    config_file = home / "config.toml"
    if config_file.exists():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: invalid TOML ({exc}); fix or remove the file") from exc
        values = _from_toml(data, config_file)
    env = os.environ
    if env.get("ARXIV_DIGEST_CATEGORIES"):
        values["categories"] = parse_categories(env["ARXIV_DIGEST_CATEGORIES"])
    if env.get("ARXIV_DIGEST_FEED_URL"):
        values["feed_url"] = env["ARXIV_DIGEST_FEED_URL"]
    if env.get("ARXIV_DIGEST_API_URL"):
        values["api_url"] = env["ARXIV_DIGEST_API_URL"]
    if env.get("ARXIV_DIGEST_CONTACT"):
        values["contact"] = env["ARXIV_DIGEST_CONTACT"]
    return Settings(home=home, **values)


def _from_toml(data: dict, where: Path) -> dict:
    known = {"categories", "feed_url", "api_url", "api_min_interval", "feed_min_interval",
             "contact", "http_timeout", "http_retries", "holidays"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(known))}")
    values = dict(data)
    if "categories" in values:
        cats = values["categories"]
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats) or not cats:
            raise ConfigError(f"{where}: categories must be a non-empty list of strings")
    if "api_min_interval" in values:
        if float(values["api_min_interval"]) < ARXIV_MIN_API_INTERVAL:
            raise ConfigError(f"{where}: api_min_interval below {ARXIV_MIN_API_INTERVAL} s "
                              "breaks arXiv's API policy")
        values["api_min_interval"] = float(values["api_min_interval"])
    if "holidays" in values:
        try:
            values["holidays"] = tuple(
                d if isinstance(d, date) else date.fromisoformat(str(d)) for d in values["holidays"]
            )
        except ValueError as exc:
            raise ConfigError(f"{where}: holidays must be YYYY-MM-DD dates ({exc})") from exc
    return values
