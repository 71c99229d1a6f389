"""One plugin mechanism for signals, writers and replay sources.

Built-ins register themselves with a decorator when their module is imported; outside
packages add more through entry points, in the groups ``arxiv_digest.signals``,
``arxiv_digest.writers`` and ``arxiv_digest.sources``::

    [project.entry-points."arxiv_digest.writers"]
    mywriter = "my_package.writer:MyWriter"

An entry point's object is registered under the entry point's name, with the options
its module gave when it used the decorator (or none). Everything is loaded once, on
first use, so every caller — ranking, re-ranking, writing, replay — sees the same set.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from importlib.metadata import entry_points
from typing import Any

from arxiv_digest.errors import ConfigError


class Registry:
    """Named plugins of one kind, with per-plugin options (``enriched`` for signals,
    ``sniff`` for replay sources)."""

    def __init__(self, kind: str, group: str, builtins: Iterable[str] | dict[str, str]):
        """``builtins``: the modules that register the built-ins when imported; a mapping
        from each built-in's name to its module lets one be had without importing the
        others (an offline run never imports the model client)."""
        self.kind, self.group = kind, group
        self._named = dict(builtins) if isinstance(builtins, dict) else {}
        self._builtins = list(dict.fromkeys(self._named.values())) if self._named \
            else list(builtins)
        self._items: dict[str, Any] = {}
        self._options: dict[str, dict] = {}
        self._loaded = False

    def register(self, name: str, **options) -> Callable:
        """Decorator: register the object under ``name`` (built-ins use it at import)."""
        def decorator(obj):
            self._items[name] = obj
            self._options[name] = options
            return obj
        return decorator

    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self._builtins:
            importlib.import_module(module)
        for point in entry_points(group=self.group):
            if point.name in self._items:
                continue                      # a built-in keeps its name
            try:
                obj = point.load()
            except Exception as exc:          # a broken plugin must not stop the program
                raise ConfigError(f"the {self.kind} plugin {point.name!r} ({point.value}) "
                                  f"could not be loaded: {type(exc).__name__}: {exc}") from None
            self._items[point.name] = obj
            self._options.setdefault(point.name, dict(getattr(obj, "plugin_options", {})))

    def reload(self) -> None:
        """Look for entry points again (after a package was installed at run time)."""
        self._loaded = False
        self.load()

    def names(self) -> list[str]:
        self.load()
        return sorted(self._items)

    def items(self) -> dict[str, Any]:
        self.load()
        return dict(self._items)

    def options(self, name: str) -> dict:
        self.load()
        return dict(self._options.get(name, {}))

    def get(self, name: str, hint: str = ""):
        if not self._loaded and name in self._named:     # a built-in keeps its name
            importlib.import_module(self._named[name])
            if name in self._items:
                return self._items[name]
        self.load()
        if name not in self._items:
            raise ConfigError(f"unknown {self.kind} {name!r}{hint}; available: "
                              f"{', '.join(sorted(self._items))}")
        return self._items[name]


SIGNALS = Registry("signal", "arxiv_digest.signals", [
    f"arxiv_digest.signals.{m}" for m in ("relevance", "novelty", "evidence", "venue", "code",
                                          "enriched", "taste")])
WRITERS = Registry("writer", "arxiv_digest.writers", {"offline": "arxiv_digest.writers.offline",
                                                      "llm": "arxiv_digest.writers.llm"})
RENDERERS = Registry("output format", "arxiv_digest.renderers", ["arxiv_digest.render"])
SOURCES = Registry("replay source", "arxiv_digest.sources", ["arxiv_digest.sources.jsonl",
                                                            "arxiv_digest.sources.feed"])
