"""Render: Markdown pages from a validated handbook, through Jinja templates in the package."""
