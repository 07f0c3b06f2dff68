"""Git: revisions from history, what changed between them, comparisons."""
