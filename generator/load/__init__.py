"""Load: YAML text with positions, and a whole handbook folder of it."""
