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
DEFAULT_SITE_URL = "http://localhost:8000/"


def default_home() -> Path:
    override = os.environ.get("ARXIV_DIGEST_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("arxiv-digest", appauthor=False))


DEFAULT_PRICES = {                     # USD per million tokens: (input, output)
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


@dataclass(frozen=True)
class LLMSettings:
    """The LLM writer's backend: any OpenAI-compatible chat-completions server."""

    base_url: str | None = None        # None: the openai client's default (api.openai.com)
    api_key: str | None = None
    model: str = "gpt-4o-mini"
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 2
    max_output_tokens: int = 900
    prices: dict = field(default_factory=lambda: dict(DEFAULT_PRICES))

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        price = self.prices.get(self.model)
        if price is None:
            return None
        return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000


@dataclass(frozen=True)
class SMTPSettings:
    """Where e-mail goes out. The user and password come from the environment only
    (ARXIV_DIGEST_SMTP_USER, ARXIV_DIGEST_SMTP_PASSWORD)."""

    host: str = "localhost"
    port: int = 587
    security: str = "starttls"           # starttls, ssl or none
    sender: str = "arxiv-digest@localhost"
    timeout: float = 30.0
    ca_file: str | None = None           # a private CA for the server's certificate
    to: tuple[str, ...] = ()             # default recipients (the daily job)


@dataclass(frozen=True)
class EnrichSettings:
    """Enrichment of the shortlist: full text, code, community and author signals."""

    enabled: bool = True
    shortlist: int = 15
    html_url: str = "https://arxiv.org/html/{id}v{version}"
    pdf_url: str = "https://arxiv.org/pdf/{id}v{version}"
    github_api: str = "https://api.github.com"
    hf_api: str = "https://huggingface.co/api"
    s2_api: str = "https://api.semanticscholar.org/graph/v1"
    timeout: float = 20.0
    retries: int = 2


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
    site_url: str = DEFAULT_SITE_URL           # absolute links in feeds and e-mail
    llm: LLMSettings = field(default_factory=LLMSettings)
    smtp: SMTPSettings = field(default_factory=SMTPSettings)
    enrich: EnrichSettings = field(default_factory=EnrichSettings)
    picks: int = 5                             # papers a digest features
    configured: frozenset[str] = frozenset()   # settings given in config.toml or the env

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

    @property
    def has_model(self) -> bool:
        """Whether a model server is configured (a key for a hosted API, or a base URL)."""
        return bool(self.llm.api_key or self.llm.base_url)

    def defaults_in_use(self, *names: str) -> list[str]:
        """A warning for each of ``names`` (smtp, site_url) left at its built-in default."""
        warnings = {
            "smtp": f"[smtp] is not set in {self.home / 'config.toml'}: sending through "
                    f"{self.smtp.host}:{self.smtp.port} ({self.smtp.security})",
            "site_url": f"site_url is not set in {self.home / 'config.toml'}: feeds and e-mail "
                        f"link to {self.site_url}, which only works on this machine",
        }
        return [warnings[n] for n in names if n not in self.configured]


def model_missing(purpose: str) -> ConfigError:
    """The error for work that needs a model when none is configured."""
    return ConfigError(
        f"{purpose} needs a model, and none is configured: set OPENAI_API_KEY (OpenAI's "
        "API) or OPENAI_BASE_URL (any OpenAI-compatible server, e.g. a local llama.cpp, "
        "Ollama, vLLM or LM Studio), or api_key / base_url under [llm] in config.toml; the "
        "model name comes from ARXIV_DIGEST_MODEL or [llm] model")


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
    configured = set(values)
    llm = dict(values.pop("llm", {}))
    for key, var in (("base_url", "OPENAI_BASE_URL"), ("api_key", "OPENAI_API_KEY"),
                     ("model", "ARXIV_DIGEST_MODEL")):
        if env.get(var):
            llm[key] = env[var]
    return Settings(home=home, llm=LLMSettings(**llm), configured=frozenset(configured),
                    **values)


def _from_toml(data: dict, where: Path) -> dict:
    known = {"categories", "feed_url", "api_url", "api_min_interval", "feed_min_interval",
             "contact", "http_timeout", "http_retries", "holidays", "llm", "site_url",
             "smtp", "enrich", "picks"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(known))}")
    values = dict(data)
    if "categories" in values:
        cats = values["categories"]
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats) or not cats:
            raise ConfigError(f"{where}: categories must be a non-empty list of strings")
    if "picks" in values and (not isinstance(values["picks"], int) or not
                              1 <= values["picks"] <= 20):
        raise ConfigError(f"{where}: picks must be a whole number from 1 to 20")
    if "api_min_interval" in values:
        if float(values["api_min_interval"]) < ARXIV_MIN_API_INTERVAL:
            raise ConfigError(f"{where}: api_min_interval below {ARXIV_MIN_API_INTERVAL} s "
                              "breaks arXiv's API policy")
        values["api_min_interval"] = float(values["api_min_interval"])
    if "llm" in values:
        values["llm"] = _llm_from_toml(values["llm"], where)
    if "enrich" in values:
        table = values["enrich"]
        known = set(EnrichSettings.__dataclass_fields__)
        if not isinstance(table, dict) or set(table) - known:
            raise ConfigError(f"{where}: [enrich] takes {', '.join(sorted(known))}")
        values["enrich"] = EnrichSettings(**table)
    if "smtp" in values:
        table = values["smtp"]
        known = {"host", "port", "security", "sender", "timeout", "ca_file", "to"}
        if not isinstance(table, dict) or set(table) - known:
            raise ConfigError(f"{where}: [smtp] takes {', '.join(sorted(known))}; user and "
                              "password come from ARXIV_DIGEST_SMTP_USER/_PASSWORD")
        if table.get("security", "starttls") not in ("starttls", "ssl", "none"):
            raise ConfigError(f"{where}: [smtp] security must be starttls, ssl or none")
        table = dict(table)
        if "to" in table:
            table["to"] = tuple(table["to"])
        values["smtp"] = SMTPSettings(**table)
    if "holidays" in values:
        try:
            values["holidays"] = tuple(
                d if isinstance(d, date) else date.fromisoformat(str(d)) for d in values["holidays"]
            )
        except ValueError as exc:
            raise ConfigError(f"{where}: holidays must be YYYY-MM-DD dates ({exc})") from exc
    return values


def _llm_from_toml(table: object, where: Path) -> dict:
    known = {"base_url", "api_key", "model", "concurrency", "timeout", "max_retries",
             "max_output_tokens", "prices"}
    if not isinstance(table, dict) or set(table) - known:
        raise ConfigError(f"{where}: [llm] takes {', '.join(sorted(known))}")
    values = dict(table)
    if "prices" in values:
        prices = dict(DEFAULT_PRICES)
        for model, pair in values["prices"].items():
            if not (isinstance(pair, list) and len(pair) == 2
                    and all(isinstance(x, (int, float)) for x in pair)):
                raise ConfigError(f"{where}: [llm.prices] {model} = [input, output] USD per "
                                  "million tokens")
            prices[model] = (float(pair[0]), float(pair[1]))
        values["prices"] = prices
    if int(values.get("concurrency", 4)) < 1:
        raise ConfigError(f"{where}: [llm] concurrency must be at least 1")
    return values
