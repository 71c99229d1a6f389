"""The README's commands table against the command line itself: every option the table
names exists, and every option a command has is named (in its row, or in the paragraph of
options shared by `ingest`)."""

import re

import click

from arxiv_digest.cli import cli
from conftest import REPO


def table() -> dict[tuple[str, ...], set[str]]:
    """Command path -> the options its rows name."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Commands"):text.index("### Exit codes")]
    found: dict[tuple[str, ...], set[str]] = {}
    for row in re.findall(r"^\| `arxiv-digest ([^`]+)` \|", section, re.M):
        options = set(re.findall(r"--[a-z][a-z-]*", row))
        for part in row.split(" / "):          # feedback like … / dislike … / list …
            words = [w for w in re.split(r"\s+", part) if w]
            path = []
            for word in words:
                if not re.fullmatch(r"[a-z][a-z-]*", word):
                    break
                path.append(word)
            if path and path[0] != "feedback" and found and len(path) == 1 and \
                    row.startswith("feedback"):
                path = ["feedback", *path]
            found.setdefault(tuple(path), set()).update(options)
    shared = section[section.index("Options shared by `ingest`"):].split("\n\n")[0]
    found[("ingest",)].update(set(re.findall(r"--[a-z][a-z-]*", shared)) - {"--help"})
    return found


def command(path: tuple[str, ...]) -> click.Command:
    found = cli
    for name in path:
        assert isinstance(found, click.Group), path
        found = found.commands[name]
    return found


def leaves(group: click.Group, prefix=()):
    for name, sub in group.commands.items():
        if isinstance(sub, click.Group):
            yield from leaves(sub, (*prefix, name))
        else:
            yield (*prefix, name)


def test_every_command_is_in_the_table_with_exactly_its_options():
    rows = table()
    assert set(leaves(cli)) == set(rows), set(leaves(cli)) ^ set(rows)
    for path, named in rows.items():
        params = [p for p in command(path).params
                  if isinstance(p, click.Option) and "--help" not in p.opts]
        spelled = {o for p in params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")}
        assert named <= spelled, (path, named - spelled)          # nothing the CLI lacks
        missing = [p.opts[0] for p in params
                   if not named & {o for o in (*p.opts, *p.secondary_opts)}]
        assert not missing, (path, missing)                       # nothing left unsaid
