"""Publishing: the static site with archive and search, feeds, e-mail, the daily job."""
