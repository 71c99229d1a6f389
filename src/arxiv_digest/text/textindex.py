"""TF-IDF over papers, with each paper's text analysed once per process.

Novelty (and taste) compare a day's papers with the window's history by TF-IDF. Fitting a
vectorizer per call re-reads and re-tokenises every history paper for every profile; here
each paper version is analysed once (its unigram and bigram counts, kept in the order the
analyser produced them) and a call only assembles the matrix of the papers it names.

The matrix is the one ``TfidfVectorizer(stop_words="english", sublinear_tf=True,
ngram_range=(1, n), max_features=m, dtype=float32)`` fits on the same documents, entry
for entry: the same vocabulary cut (the most frequent terms, ties resolved over the terms
in alphabetical order as the vectorizer resolves them), the same column order within each
row, the same arithmetic. So a ranking does not change by being computed here, and many
profiles of one day cost one analysis of the window.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence

import numpy

from arxiv_digest.memo import forgettable
from arxiv_digest.models import Paper

MAX_FEATURES = 60000
_LIMIT = 400_000           # analysed paper versions kept per process before starting afresh


class _Terms:
    """Every term seen, and their alphabetical order kept up to date as terms arrive (new
    terms are merged into the order, not sorted again with the old)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.terms: list[str] = []
        self._sorted: list[str] = []
        self._order = numpy.zeros(0, dtype=numpy.int64)

    def id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found

    def alphabetical_order(self) -> numpy.ndarray:
        """Every term's id, the terms taken in alphabetical order."""
        known = len(self._order)
        if known < len(self.terms):
            new = sorted(self.terms[known:])
            at = numpy.array([bisect_left(self._sorted, t) for t in new], dtype=numpy.int64)
            new_ids = numpy.array([self.ids[t] for t in new], dtype=numpy.int64)
            self._order = numpy.insert(self._order, at, new_ids)
            merged = self._sorted + new
            merged.sort()                  # two sorted runs: a linear merge for Timsort
            self._sorted = merged
        return self._order


class TextIndex:
    """Papers' term counts, analysed once, and TF-IDF matrices over any set of them."""

    def __init__(self, document: Callable[[Paper], str], ngrams: int = 2,
                 max_features: int = MAX_FEATURES) -> None:
        self._document, self._ngrams, self._max_features = document, ngrams, max_features
        self._analyse = None
        self._terms = _Terms()
        self._docs: dict[tuple, tuple[numpy.ndarray, numpy.ndarray]] = {}

    def _counts(self, paper: Paper) -> tuple[numpy.ndarray, numpy.ndarray]:
        key = (paper.id, paper.version, paper.title, paper.abstract)
        found = self._docs.get(key)
        if found is None:
            if self._analyse is None:
                from sklearn.feature_extraction.text import TfidfVectorizer

                self._analyse = TfidfVectorizer(stop_words="english", ngram_range=(
                    1, self._ngrams)).build_analyzer()
            if len(self._docs) >= _LIMIT:
                self.__init__(self._document, self._ngrams, self._max_features)
                return self._counts(paper)
            counts: dict[int, int] = {}
            term_id = self._terms.id
            for term in self._analyse(self._document(paper)):
                i = term_id(term)
                counts[i] = counts.get(i, 0) + 1
            found = (numpy.fromiter(counts.keys(), numpy.int64, len(counts)),
                     numpy.fromiter(counts.values(), numpy.float32, len(counts)))
            self._docs[key] = found
        return found

    def tfidf(self, papers: Sequence[Paper]):
        """The L2-normalised, sublinear TF-IDF rows of ``papers`` (a CSR matrix), fitted
        on exactly these papers."""
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfTransformer

        rows = [self._counts(p) for p in papers]
        terms = numpy.concatenate([r[0] for r in rows]) if rows else numpy.zeros(0, int)
        values = numpy.concatenate([r[1] for r in rows]) if rows else numpy.zeros(0)
        indptr = numpy.zeros(len(rows) + 1, dtype=numpy.int64)
        numpy.cumsum([len(r[0]) for r in rows], out=indptr[1:])
        if not len(terms):
            raise ValueError("empty vocabulary; the papers have no words to compare")
        # Columns numbered as the terms are first met in this call, so each row's entries
        # come in the order a freshly fitted vectorizer keeps them ...
        size = len(self._terms.terms)
        first = numpy.full(size, len(terms), dtype=numpy.int64)
        numpy.minimum.at(first, terms, numpy.arange(len(terms)))
        present = first < len(terms)
        union = numpy.flatnonzero(present)
        seen = numpy.empty(size, dtype=numpy.int64)
        seen[union[numpy.argsort(first[union], kind="stable")]] = numpy.arange(len(union))
        matrix = sparse.csr_matrix((values, seen[terms].astype(numpy.int32), indptr),
                                   shape=(len(rows), len(union)), dtype=numpy.float32)
        matrix.sort_indices()
        # ... then relabelled in alphabetical order, and cut to the most frequent terms.
        alphabetical = self._terms.alphabetical_order()
        label = numpy.empty(size, dtype=numpy.int32)
        label[alphabetical[present[alphabetical]]] = numpy.arange(len(union), dtype=numpy.int32)
        by_seen = numpy.empty(len(union), dtype=numpy.int32)
        by_seen[seen[union]] = label[union]
        matrix.indices = by_seen.take(matrix.indices)
        if len(union) > self._max_features:
            totals = numpy.asarray(matrix.sum(axis=0)).ravel()
            keep = numpy.zeros(len(union), dtype=bool)
            keep[(-totals).argsort()[:self._max_features]] = True
            matrix = matrix[:, numpy.where(keep)[0]]
        return TfidfTransformer(sublinear_tf=True).fit_transform(matrix)


_INDEXES: dict[tuple, TextIndex] = {}
forgettable(_INDEXES.clear)


def index_for(document: Callable[[Paper], str], ngrams: int = 2,
              max_features: int = MAX_FEATURES) -> TextIndex:
    """The process's index for one way of turning a paper into a document: word n-grams
    up to ``ngrams``, English stop words left out, at most ``max_features`` terms."""
    key = (document, ngrams, max_features)
    if key not in _INDEXES:
        _INDEXES[key] = TextIndex(document, ngrams, max_features)
    return _INDEXES[key]
