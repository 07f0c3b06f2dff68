"""Load: YAML text with positions, and a whole handbook folder of it.

PyYAML's constructors forget positions, accept duplicate keys and expand aliases without
limit. So PyYAML (its C parser where available) only *composes* the node graph, and the
data is built here: each mapping key and value records its 1-based line and column under
its location path, which is exactly the ``loc`` pydantic reports. That is what lets a
model error point at the offending value rather than at the file.

A file goes through the stages in turn: `decode` (bytes to text), `compose` (text to
nodes), `build` (nodes to data), `expansion` and `comments` (what the data lost or
gained), and `items` (the top-level items and their positions); `parse` runs them.
"""

from generator.load.build import MAX_NODES
from generator.load.compose import MAX_DEPTH
from generator.load.decode import MAX_FILE_BYTES
from generator.load.expansion import EXPANSION_FACTOR, MIN_EXPANDED, expansion_budget
from generator.load.items import LoadResult, RawItem, SourceMap, describe
from generator.load.parse import load_file, load_text
from generator.load.positions import Loc, Position

__all__ = [
    "EXPANSION_FACTOR",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MIN_EXPANDED",
    "LoadResult",
    "Loc",
    "Position",
    "RawItem",
    "SourceMap",
    "describe",
    "expansion_budget",
    "load_file",
    "load_text",
]
