"""Controlled copies as PDF: each document, and the whole handbook, printed from the built site.

The engine is the Chromium the browser tests drive (see docs/pdf.md for why): `chromium`
prints pages of a built site and lets them load nothing else, `controls` says what every
page states (header, footer, watermark, cover and contents), `assemble` makes the printed
pages into reproducible copies with pypdf, and `run` prints a whole handbook.
"""
