"""The static site: every stored digest, an archive, a page per profile and per paper,
client-side search, and Atom/RSS feeds — plain files that work without a server.

Built into a temporary directory beside the target and swapped in at the end, so a
reader never sees half a site; builds into one parent directory take turns (a lock on
it). Every value from a paper is autoescaped by the templates; links must be http(s).

Incremental: the manifest records, per file, a key of what it was made from and a hash of
what was written. A file is carried over only when its key is the same and the file on
disk still has that hash, so an edited, truncated or missing file is written again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from arxiv_digest.digest import LABELS, SECTION_NAMES, Digest
from arxiv_digest.errors import ConfigError
from arxiv_digest.files import current_umask, directory_lock, is_stale, os_error
from arxiv_digest.render import environment
from arxiv_digest.store import Store
from arxiv_digest.topics import DEFAULT_PROFILE, available_profiles, load_profile

SITE_TITLE = "arxiv-digest"


@dataclass
class SiteReport:
    out: Path
    digests: int
    pages: int
    seconds: float
    rendered: int = 0          # files written anew
    kept: int = 0              # files carried over from the previous build unchanged


def digest_url(digest: Digest) -> str:
    return f"digests/{digest.profile}/{digest.date.isoformat()}.html"


def paper_file(paper_id: str) -> str:
    return f"papers/{paper_id.replace('/', '_')}.html"


def build_site(store: Store, out: Path, home: Path | None = None,
               base_url: str = "http://localhost:8000/", *, profile: str | None = None,
               full: bool = False,
               notify: Callable[[str], None] | None = None) -> SiteReport:
    """Build the site into ``out``. A page whose inputs are unchanged since the last build
    (its digest, neighbours, profile, the templates) and whose file is still what that
    build wrote is carried over, not rendered again; ``full`` renders every page;
    ``profile`` renders only that profile's digest pages and feeds anew (the site-wide
    pages as always, when changed). ``notify`` is told when another build into ``out``'s
    parent directory holds it and this one waits."""
    start = time.perf_counter()
    out = Path(out)
    stored = [(d, json.loads(d.json)) for d in store.digests()]
    stored = [(d, data) for d, data in stored if data.get("lang", "en") == "en"]
    names = sorted({d.profile for d, _ in stored} | set(available_profiles(home)))
    profiles = {name: _profile(name, home, stored) for name in names}
    if profile is not None and profile not in profiles:
        raise ConfigError(f"no profile named {profile!r} has digests or a profile file; "
                          f"known: {', '.join(names)}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with directory_lock(out.parent, notify):
            pages = _build(stored, profiles, out, base_url, profile, full)
    except OSError as exc:
        raise os_error(exc, out) from None
    return SiteReport(out, len(stored), pages.rendered + pages.kept,
                      time.perf_counter() - start, pages.rendered, pages.kept)


def _build(stored: list, profiles: dict, out: Path, base_url: str, profile: str | None,
           full: bool) -> "Pages":
    """Build into a staging directory beside ``out`` and swap it in (the caller holds the
    lock on ``out``'s parent)."""
    _recover(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        pages = Pages(staging, out, {} if full else _read_manifest(out), profile)
        site = _Site(stored, profiles)
        _digest_pages(pages, site)
        _site_pages(pages, site)
        _paper_pages(pages, site)
        _static(staging, [data for _, data in stored])
        _feeds(pages, site, base_url)
        pages.manifest[BASE_KEY] = [base_url, ""]
        pages.finish()
        staging.chmod(0o777 & ~current_umask())      # mkdtemp makes it private
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return pages


class _Site:
    """The stored digests (raw, parsed only when a page needs rendering) by profile."""

    def __init__(self, stored: list, profiles: dict) -> None:
        self.raw = [data for _, data in stored]
        self.keys = [hashlib.sha256(d.json.encode()).hexdigest()[:20] for d, _ in stored]
        self.profiles = profiles
        self.by_profile: dict[str, list[int]] = {}
        for i, data in enumerate(self.raw):
            self.by_profile.setdefault(data["profile"], []).append(i)
        self._parsed: dict[int, Digest] = {}

    def digest(self, i: int) -> Digest:
        if i not in self._parsed:
            self._parsed[i] = Digest.from_json(self.raw[i])
        return self._parsed[i]

    def url(self, i: int) -> str:
        return f"digests/{self.raw[i]['profile']}/{self.raw[i]['date']}.html"

    def entry(self, i: int) -> dict:
        data = self.raw[i]
        picks = data.get("picks") or []
        return {"url": self.url(i), "title": data["title"], "topic": data.get("topic", ""),
                "lead": picks[0]["short_name"] if picks else "—"}

    def profile_key(self, name: str) -> str:
        p = self.profiles[name]
        return f"{p.name}|{p.title}|{p.fingerprint}"


def _digest_pages(pages: "Pages", site: _Site) -> None:
    for name, entries in site.by_profile.items():
        current = site.profiles[name]
        for n, i in enumerate(entries):
            prev = site.url(entries[n - 1]) if n > 0 else None
            nxt = site.url(entries[n + 1]) if n + 1 < len(entries) else None
            pages.page(site.url(i), "site/digest.j2",
                       [site.keys[i], prev, nxt, site.profile_key(name)],
                       lambda i=i, prev=prev, nxt=nxt, current=current: dict(
                           d=site.digest(i), v=site.digest(i).verification, prev=prev,
                           next=nxt, current=current),
                       owner=name)


def _site_pages(pages: "Pages", site: _Site) -> None:
    """The front page, archive, profiles page and each profile's page."""
    latest = _latest(site)
    if latest is not None:
        name = site.raw[latest]["profile"]
        pages.page("index.html", "site/digest.j2", [site.keys[latest], site.profile_key(name)],
                   lambda: dict(d=site.digest(latest), v=site.digest(latest).verification,
                                prev=None, next=None, current=site.profiles[name]))
    else:
        pages.page("index.html", "site/archive.j2", [], lambda: dict(months=[], current=None))
    months: dict[str, list[dict]] = {}
    for i in sorted(range(len(site.raw)), key=lambda i: (site.raw[i]["date"],
                                                          site.raw[i]["profile"]), reverse=True):
        months.setdefault(f"{date.fromisoformat(site.raw[i]['date']):%B %Y}", []).append(
            site.entry(i))
    pages.page("archive.html", "site/archive.j2", [months],
               lambda: dict(months=list(months.items()), current=None))
    listed = []
    for name, p in site.profiles.items():
        own = site.by_profile.get(name, [])
        listed.append({"p": p, "count": len(own), "latest": site.url(own[-1]) if own else None,
                       "latest_date": site.raw[own[-1]]["date"] if own else None})
    pages.page("profiles.html", "site/profiles.j2",
               [[(e["p"].name, site.profile_key(e["p"].name), e["count"], e["latest"])
                 for e in listed]], lambda: dict(listed=listed, current=None))
    for name, p in site.profiles.items():
        entries = [site.entry(i) for i in reversed(site.by_profile.get(name, []))]
        pages.page(f"profiles/{name}.html", "site/profile.j2",
                   [site.profile_key(name), p.description, p.categories, p.weights, entries],
                   lambda p=p, entries=entries: dict(p=p, entries=entries, current=p,
                                                     here="profile"),
                   owner=name)
    pages.page("search.html", "site/search.j2", [], lambda: dict(current=None))


def _paper_pages(pages: "Pages", site: _Site) -> None:
    features: dict[str, list[tuple[int, int]]] = {}
    for i, data in enumerate(site.raw):
        for n, pick in enumerate(data.get("picks") or []):
            features.setdefault(pick["id"], []).append((i, n))
    for paper_id, found in features.items():
        def context(found=found) -> dict:
            rows = [{"date": site.raw[i]["date"], "pick": site.digest(i).picks[n],
                     "title": site.raw[i]["title"], "profile": site.raw[i]["profile"],
                     "url": f"{site.url(i)}#p{site.digest(i).picks[n].rank}"}
                    for i, n in found]
            return dict(pick=rows[-1]["pick"], features=rows,
                        current=site.profiles[rows[-1]["profile"]])
        last = site.raw[found[-1][0]]["profile"]
        pages.page(paper_file(paper_id), "site/paper.j2",
                   [[(site.keys[i], n) for i, n in found], site.profile_key(last)], context)


def _feeds(pages: "Pages", site: _Site, base_url: str) -> None:
    from arxiv_digest.publish.feeds import MAX_ENTRIES, write_feed

    for name, p in site.profiles.items():
        own = site.by_profile.get(name, [])[-MAX_ENTRIES:]
        paths = [f"feeds/{name}.atom.xml", f"feeds/{name}.rss.xml"]
        pages.files(paths, [site.profile_key(name), p.description, base_url,
                            [site.keys[i] for i in own]],
                    lambda p=p, own=own: write_feed(pages.staging / "feeds", p,
                                                    [site.digest(i) for i in own], base_url),
                    owner=name)


class Pages:
    """Writes the site's files into the staging directory: rendered, or carried over from
    the previous build when the inputs named by their key are the same and the file is
    still what was written. The manifest maps each file to ``[key, hash of its bytes]``."""

    MANIFEST = ".build-manifest.json"

    def __init__(self, staging: Path, out: Path, previous: dict[str, list[str]],
                 only: str | None) -> None:
        self.staging, self.out, self.previous, self.only = staging, out, previous, only
        self.manifest: dict[str, list[str] | str] = {}
        self.rendered = self.kept = 0
        self.env = environment(True)
        self._base = dict(site_title=SITE_TITLE, site=True, L=LABELS, here=None,
                          sections=[(n, LABELS[n]) for n in SECTION_NAMES])

    def _reusable(self, paths: list[str], key: str, owner: str | None) -> bool:
        if not all(path in self.previous for path in paths):
            return False
        # Another profile's pages under --profile are left as they are, whatever their key.
        others = self.only is not None and owner is not None and owner != self.only
        if not others and any(self.previous[path][0] != key for path in paths):
            return False
        # And only as they were written: an edited, truncated or missing file is rendered.
        return all(_file_hash(self.out / path) == self.previous[path][1] for path in paths)

    def _carry(self, path: str) -> None:
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.out / path, target)
        except OSError:
            shutil.copy2(self.out / path, target)

    def files(self, paths: list[str], key_parts: list, write, owner: str | None = None) -> None:
        key = _key(key_parts)
        if self._reusable(paths, key, owner):
            for path in paths:
                self._carry(path)
                self.manifest[path] = self.previous[path]
            self.kept += len(paths)
            return
        write()
        self.manifest.update({path: [key, _file_hash(self.staging / path)] for path in paths})
        self.rendered += len(paths)

    def page(self, path: str, template: str, key_parts: list, context, owner=None) -> None:
        def write() -> None:
            html = self.env.get_template(template).render(
                dict(self._base, root="../" * path.count("/"), **context()))
            target = self.staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        self.files([path], [template, *key_parts], write, owner)

    def finish(self) -> None:
        self.manifest[""] = _TEMPLATES()
        (self.staging / self.MANIFEST).write_text(json.dumps(self.manifest, sort_keys=True),
                                                  encoding="utf-8")


BASE_KEY = "@base_url"        # the manifest remembers the base URL the feeds were built with


def last_base_url(out: Path) -> str | None:
    """The base URL the site in ``out`` was last built with, if it was."""
    found = _read_manifest(Path(out)).get(BASE_KEY)
    return found[0] if found else None


def _read_manifest(out: Path) -> dict[str, list[str]]:
    """The previous build's manifest; empty (every page rendered) when it is missing,
    unreadable, of other templates or of another shape."""
    try:
        found = json.loads((out / Pages.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict) or found.pop("", None) != _TEMPLATES():
        return {}
    if not all(isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
               for v in found.values()):
        return {}
    return found


def _file_hash(path: Path) -> str | None:
    """A hash of the file's bytes; None when it cannot be read (missing, a directory)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()[:32]
    except OSError:
        return None


@functools.cache
def _TEMPLATES() -> str:
    """The templates' and the program's version: a change renders every page again."""
    from arxiv_digest import __version__

    digest = hashlib.sha256(__version__.encode())
    root = resources.files("arxiv_digest.render") / "templates"
    for folder in (root, root / "site"):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_file():
                digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()[:20]


def _key(parts: list) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()
                          ).hexdigest()[:20]


def _profile(name: str, home: Path | None, stored: list):
    """The profile by name; a digest made from a profile file that is no longer found
    gets a stand-in with its name and topic, so its pages and feed are still built."""
    from dataclasses import replace

    try:
        return load_profile(name, home)
    except ConfigError:
        topic = next((data.get("topic", name) for _, data in stored
                      if data["profile"] == name), name)
        return replace(load_profile(DEFAULT_PROFILE), name=name, title=topic, noun=name,
                       description=f"Digests made with the {name} profile.", source="")


def _latest(site: _Site) -> int | None:
    """The front page: the default profile's newest digest, else the newest of any."""
    if DEFAULT_PROFILE in site.by_profile:
        return site.by_profile[DEFAULT_PROFILE][-1]
    if not site.raw:
        return None
    return max(range(len(site.raw)), key=lambda i: (site.raw[i]["date"],
                                                    site.raw[i]["profile"]))


def _static(staging: Path, digests: list[dict]) -> None:
    static = staging / "static"
    static.mkdir(parents=True, exist_ok=True)
    templates = resources.files("arxiv_digest.render") / "templates"
    css = (templates / "_digest.css").read_text(encoding="utf-8") + \
        (templates / "site" / "site.css").read_text(encoding="utf-8")
    (static / "site.css").write_text(css, encoding="utf-8")
    (static / "search.js").write_text((templates / "site" / "search.js").read_text(
        encoding="utf-8"), encoding="utf-8")
    index = [{"id": p["id"], "short_name": p["short_name"], "title": p["title"],
              "area": p.get("area"), "date": d["date"], "rank": p["rank"],
              "profile": d["profile"],
              "url": f"digests/{d['profile']}/{d['date']}.html#p{p['rank']}"}
             for d in digests for p in d.get("picks") or []]
    # JSON inside a script: escape "<" so no string can close the script element.
    payload = json.dumps(index, ensure_ascii=False).replace("<", "\\u003c")
    (static / "search-index.js").write_text(f"window.ARXIV_DIGEST_INDEX = {payload};\n",
                                            encoding="utf-8")


def _recover(out: Path) -> None:
    """Undo what a build killed mid-swap left (the caller holds the parent's lock, so no
    build of this version is running): the old site put back if the new one never
    arrived; staging directories of killed builds removed once stale — a younger one may
    be a build's that takes no lock (another version), still writing."""
    old = out.with_name(f".{out.name}.old")
    if old.is_dir() and not out.exists():
        old.rename(out)
    now = time.time()
    for leftover in out.parent.glob(f".{out.name}.*"):
        if leftover.is_dir() and leftover != old and \
                len(leftover.name) == len(out.name) + 10 and is_stale(leftover, now):
            shutil.rmtree(leftover, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by the freshly built site in two renames."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
