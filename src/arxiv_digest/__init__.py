"""arxiv-digest: a daily, verified digest of the arXiv papers worth reading in your field."""

__version__ = "0.1.0"
