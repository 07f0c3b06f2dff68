"""The loader's former single module, kept only for `generator.load.handbook`, which is being
rewritten and still imports from here: everything else imports from `generator.load`."""

from generator.load.items import LoadResult, RawItem
from generator.load.parse import load_file

__all__ = ["LoadResult", "RawItem", "load_file"]
