"""The fitted sentence-role model: a multinomial logistic regression over the features of
each sentence of an abstract, applied with numpy alone.

Features (``features``): the sentence's place (relative and absolute: first, second,
last, a quarter of the abstract, how far from either end), the cue weights of
``roles.CUES`` for the sentence and for the sentences just before and after it, whether
a contribution is stated before or after it, the verdict of the older cue-and-position
rule (``roles.rule_roles``), its shape (a number, a percentage, a multiplier, a link, a
question, "we", a reference back, a sequence word, length) and a small vocabulary of
words and word pairs ("^ we" is a sentence that opens on "We").

The parameters are fitted from the hand labels by ``bench/roles_fit.py`` and shipped in
``fitted/roles.json``; the file names the features it was fitted on, and a file that
names others is refused rather than applied to the wrong columns.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from arxiv_digest.text import roles as _roles
from arxiv_digest.errors import InputError

SHIPPED = "text/fitted/roles.json"
CUE_ROLES = tuple(_roles.CUES)
QUARTERS = (0.25, 0.5, 0.75)

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_SHAPES = {
    "digit": re.compile(r"\d"),
    "percent": re.compile(r"\d\s?%|\bpercent"),
    "times": re.compile(r"\d\s?(?:\u00d7|x\b|times\b|-fold)", re.I),
    "question": re.compile(r"\?\s*$"),
    "colon": re.compile(r":"),
    "parenthesis": re.compile(r"\("),
    "we": _roles.WE,
}


def numeric_names() -> list[str]:
    """The names of the fixed (non-word) features, in column order."""
    names = ["rel", "first", "second", "last", "second_last", "single",
             *[f"quarter:{q}" for q in range(len(QUARTERS) + 1)],
             "from_start", "from_end", "sentences"]
    names += [f"{where}:{role}" for where in ("cue", "prev", "next") for role in CUE_ROLES]
    names += ["contribution_before", "contribution_after"]
    names += [f"rule:{role}" for role in _roles.ROLES]
    names += [f"shape:{name}" for name in _SHAPES] + ["shape:link", "shape:leans_back",
                                                      "shape:sequence", "shape:words"]
    return names


_WIDTH = len(numeric_names())
_LINK_COLUMN = numeric_names().index("shape:link")


def words(text: str) -> set[str]:
    """The words and word pairs of a sentence, lower-cased; ``^`` marks its start."""
    tokens = ["^", *_WORD.findall(text.lower())]
    return set(tokens[1:]) | {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}


def features(texts: list[str], vocabulary: dict[str, int]) -> np.ndarray:
    """One row per sentence of one abstract: the fixed features, then the vocabulary."""
    return np.hstack([fixed_features(texts), word_features(texts, vocabulary)])


def fixed_features(texts: list[str]) -> np.ndarray:
    """One row per sentence of one abstract: position, cues, the older rule, shape."""
    n = len(texts)
    cues = [_roles.cue_scores(t) for t in texts]
    rule = _roles.rule_roles(texts, cues)
    contribution = [c["contribution"] for c in cues]
    rows = []
    for i, text in enumerate(texts):
        row = _position(i, n)
        for neighbour in (i, i - 1, i + 1):
            inside = 0 <= neighbour < n
            row += [cues[neighbour][r] / 3.0 if inside else 0.0 for r in CUE_ROLES]
        row += [max(contribution[:i], default=0.0) / 3.0,
                max(contribution[i + 1:], default=0.0) / 3.0]
        row += [float(rule[i] == r) for r in _roles.ROLES]
        row += [float(bool(p.search(text))) for p in _SHAPES.values()]
        row += [float(bool(_roles.LINK.search(text))), float(_roles.leans_back(text)),
                float(bool(_roles.SEQUENCE.match(text))),
                min(len(text.split()), 60) / 60.0]
        rows.append(row)
    return np.array(rows, dtype=float).reshape(n, _WIDTH)


def word_features(texts: list[str], vocabulary: dict[str, int]) -> np.ndarray:
    """One row per sentence: 1 where it holds a word (or pair) of the vocabulary."""
    rows = np.zeros((len(texts), len(vocabulary)))
    for i, text in enumerate(texts):
        for word in words(text):
            column = vocabulary.get(word)
            if column is not None:
                rows[i, column] = 1.0
    return rows


def _position(i: int, n: int) -> list[float]:
    rel = i / (n - 1) if n > 1 else 0.0
    quarter = sum(rel >= q for q in QUARTERS)
    return [rel, float(i == 0), float(i == 1), float(i == n - 1), float(i == n - 2 and n > 1),
            float(n == 1), *[float(quarter == q) for q in range(len(QUARTERS) + 1)],
            min(i, 5) / 5.0, min(n - 1 - i, 5) / 5.0, min(n, 15) / 15.0]


@dataclass(frozen=True)
class RoleModel:
    roles: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray            # one row per role
    bias: np.ndarray

    def predict(self, texts: list[str]) -> list[str]:
        """The role of each sentence of one abstract."""
        if not texts:
            return []
        return self.decide(features(texts, self.vocabulary))

    def decide(self, rows: np.ndarray) -> list[str]:
        """The roles of the sentences whose features are ``rows``; a sentence with a link
        is a resource whatever the weights say."""
        found = np.argmax(rows @ self.weights.T + self.bias, axis=1)
        link = rows[:, _LINK_COLUMN] > 0
        return ["resource" if linked else self.roles[k] for k, linked in zip(found, link)]

    @classmethod
    def from_json(cls, data: dict) -> RoleModel:
        """The model a fitted file describes; InputError when it was fitted for other
        features than this version computes, or its weights do not fit its roles."""
        if not isinstance(data, dict) or data.get("numeric") != numeric_names():
            raise InputError(f"{SHIPPED}: the sentence-role model was fitted for other "
                             "features than this version computes; refit it with "
                             "python bench/roles_fit.py")
        try:
            roles = tuple(data["roles"])
            vocabulary = {w: k for k, w in enumerate(data["vocabulary"])}
            weights = np.array(data["weights"], dtype=float)
            bias = np.array(data["bias"], dtype=float)
            fits = (weights.shape == (len(roles), _WIDTH + len(vocabulary))
                    and bias.shape == (len(roles),) and set(roles) <= set(_roles.ROLES))
        except (KeyError, TypeError, ValueError):
            fits = False
        if not fits:
            raise InputError(f"{SHIPPED}: the sentence-role model is malformed (its weights "
                             "do not match its roles and features); refit it with "
                             "python bench/roles_fit.py")
        return cls(roles, vocabulary, weights, bias)


@lru_cache(maxsize=1)
def shipped() -> RoleModel:
    """The model shipped with the package (read once per process)."""
    try:
        text = (resources.files("arxiv_digest") / SHIPPED).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise InputError(f"{SHIPPED}: the sentence-role model cannot be read ({exc}); "
                         "reinstall the package or refit it with "
                         "python bench/roles_fit.py") from None
    return RoleModel.from_json(data)
