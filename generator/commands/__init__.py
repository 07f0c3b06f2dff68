"""Commands: the `sopsite` command line and what its commands do."""
