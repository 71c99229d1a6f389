"""What the reader says: likes and dislikes per profile (``feedback``) and a library of
papers imported as likes (``library``: BibTeX, RIS, CSL-JSON, id lists)."""
