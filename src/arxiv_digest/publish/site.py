"""The static site: every stored digest, an archive, a page per profile and per paper,
client-side search, and Atom/RSS feeds — plain files that work without a server.

Built into a temporary directory beside the target and swapped in at the end, so a
reader never sees half a site. Every value from a paper is autoescaped by the
templates; links must be http(s).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from arxiv_digest.digest import LABELS, SECTION_NAMES, Digest
from arxiv_digest.errors import ConfigError
from arxiv_digest.files import current_umask, os_error
from arxiv_digest.render import _environment
from arxiv_digest.store import Store
from arxiv_digest.topics import DEFAULT_PROFILE, available_profiles, load_profile

SITE_TITLE = "arxiv-digest"


@dataclass
class SiteReport:
    out: Path
    digests: int
    pages: int
    seconds: float


def digest_url(digest: Digest) -> str:
    return f"digests/{digest.profile}/{digest.date.isoformat()}.html"


def paper_file(paper_id: str) -> str:
    return f"papers/{paper_id.replace('/', '_')}.html"


def build_site(store: Store, out: Path, home: Path | None = None,
               base_url: str = "http://localhost:8000/") -> SiteReport:
    start = time.perf_counter()
    out = Path(out)
    digests = [Digest.from_json(json.loads(stored.json)) for stored in store.digests()
               if json.loads(stored.json).get("lang", "en") == "en"]
    names = sorted({d.profile for d in digests} | set(available_profiles(home)))
    profiles = [_profile(name, home, digests) for name in names]
    env = _environment(True)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _recover(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise os_error(exc, out) from None
    pages = 0
    try:
        def page(path: str, template: str, **context) -> None:
            nonlocal pages
            depth = path.count("/")
            html = env.get_template(template).render(
                root="../" * depth, profiles=profiles, site_title=SITE_TITLE, site=True,
                L=LABELS, sections=[(n, LABELS[n]) for n in SECTION_NAMES], **context)
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
            pages += 1

        by_profile: dict[str, list[Digest]] = {}
        for digest in digests:
            by_profile.setdefault(digest.profile, []).append(digest)
        for entries in by_profile.values():
            for i, digest in enumerate(entries):
                prev = digest_url(entries[i - 1]) if i > 0 else None
                nxt = digest_url(entries[i + 1]) if i + 1 < len(entries) else None
                page(digest_url(digest), "site/digest.j2", d=digest, v=digest.verification,
                     prev=prev, next=nxt)
        latest = _latest(by_profile)
        if latest is not None:
            page("index.html", "site/digest.j2", d=latest, v=latest.verification, prev=None,
                 next=None)
        else:
            page("index.html", "site/archive.j2", months=[])
        page("archive.html", "site/archive.j2", months=_months(digests))
        for profile in profiles:
            entries = [_entry(d) for d in reversed(by_profile.get(profile.name, []))]
            page(f"profiles/{profile.name}.html", "site/profile.j2", p=profile, entries=entries)
        features: dict[str, list[dict]] = {}
        for digest in digests:
            for pick in digest.picks:
                features.setdefault(pick.id, []).append(
                    {"date": digest.date.isoformat(), "pick": pick, "title": digest.title,
                     "profile": digest.profile,
                     "url": f"{digest_url(digest)}#p{pick.rank}"})
        for paper_id, found in features.items():
            page(paper_file(paper_id), "site/paper.j2", pick=found[-1]["pick"], features=found)
        page("search.html", "site/search.j2")
        _static(staging, digests)
        from arxiv_digest.publish.feeds import write_feeds

        write_feeds(staging / "feeds", profiles, by_profile, base_url)
        staging.chmod(0o777 & ~current_umask())      # mkdtemp makes it private
        _swap(staging, out)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise os_error(exc, out) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SiteReport(out, len(digests), pages, time.perf_counter() - start)


def _profile(name: str, home: Path | None, digests: list[Digest]):
    """The profile by name; a digest made from a profile file that is no longer found
    gets a stand-in with its name and topic, so its pages and feed are still built."""
    from dataclasses import replace

    try:
        return load_profile(name, home)
    except ConfigError:
        topic = next((d.topic for d in digests if d.profile == name), name)
        return replace(load_profile(DEFAULT_PROFILE), name=name, title=topic, noun=name,
                       description=f"Digests made with the {name} profile.", source="")


def _latest(by_profile: dict[str, list[Digest]]) -> Digest | None:
    if DEFAULT_PROFILE in by_profile:
        return by_profile[DEFAULT_PROFILE][-1]
    everything = [d for entries in by_profile.values() for d in entries]
    return max(everything, key=lambda d: (d.date, d.profile)) if everything else None


def _entry(digest: Digest) -> dict:
    return {"url": digest_url(digest), "title": digest.title, "topic": digest.topic,
            "lead": digest.picks[0].short_name if digest.picks else "—"}


def _months(digests: list[Digest]) -> list[tuple[str, list[dict]]]:
    months: dict[str, list[dict]] = {}
    for digest in sorted(digests, key=lambda d: (d.date, d.profile), reverse=True):
        months.setdefault(f"{digest.date:%B %Y}", []).append(_entry(digest))
    return list(months.items())


def _static(staging: Path, digests: list[Digest]) -> None:
    static = staging / "static"
    static.mkdir(parents=True, exist_ok=True)
    templates = resources.files("arxiv_digest.render") / "templates"
    css = (templates / "_digest.css").read_text(encoding="utf-8") + \
        (templates / "site" / "site.css").read_text(encoding="utf-8")
    (static / "site.css").write_text(css, encoding="utf-8")
    (static / "search.js").write_text((templates / "site" / "search.js").read_text(
        encoding="utf-8"), encoding="utf-8")
    index = [{"id": p.id, "short_name": p.short_name, "title": p.title, "area": p.area,
              "date": d.date.isoformat(), "rank": p.rank, "profile": d.profile,
              "url": f"{digest_url(d)}#p{p.rank}"} for d in digests for p in d.picks]
    # JSON inside a script: escape "<" so no string can close the script element.
    payload = json.dumps(index, ensure_ascii=False).replace("<", "\\u003c")
    (static / "search-index.js").write_text(f"window.ARXIV_DIGEST_INDEX = {payload};\n",
                                            encoding="utf-8")


def _recover(out: Path) -> None:
    """Undo what a build killed mid-swap left: the old site put back if the new one never
    arrived; staging directories of killed builds removed."""
    old = out.with_name(f".{out.name}.old")
    if old.is_dir() and not out.exists():
        old.rename(out)
    for leftover in out.parent.glob(f".{out.name}.*"):
        if leftover.is_dir() and leftover != old and len(leftover.name) == len(out.name) + 10:
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
