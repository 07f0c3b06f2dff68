"""MkDocs: the plugin (events only) and what it needs of MkDocs."""
