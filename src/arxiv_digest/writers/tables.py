"""A result row from the full text's tables: the paper's own method's row, cited to the
full text (enrichment only)."""

from __future__ import annotations

from arxiv_digest.digest import Pick
from arxiv_digest.writers.sections import with_marker


def table_sentence(pick: Pick, found) -> str:
    """One sentence quoting the row of the paper's own method, or ''."""
    if not pick.fulltext_source or found is None or found.fulltext is None:
        return ""
    name = pick.short_name.split(" (")[0].lower()
    for table in found.fulltext.tables:
        header = table.rows[0] if table.rows else []
        for row in table.numeric_rows():
            label = row[0].lower() if row else ""
            if not label or not (name in label or label.startswith(("ours", "our "))):
                continue
            cells = [f"{h} {v}" for h, v in zip(header[1:], row[1:]) if h and v][:4]
            if not cells:
                continue
            caption = table.caption.strip().rstrip(".")
            about = f" ({caption})" if caption and len(caption) <= 160 else ""
            return with_marker(f"In the full text, {table.label}{about} reports "
                               f"{row[0]}: {', '.join(cells)}", pick.fulltext_source)
    return ""
