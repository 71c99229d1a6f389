"""Reading paper text: claims and what each number means (binding), sentence roles,
short names, what a paper introduces, shared facts, links, peer-review status, LaTeX and
invisible-character cleaning, and the per-process TF-IDF index. Nothing here touches the
network or the store."""
