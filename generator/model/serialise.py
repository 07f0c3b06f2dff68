"""Items back to YAML text that loads back to the same data (the round-trip tests write with it)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel


def dump(item: BaseModel) -> dict[str, Any]:
    """The YAML-ready data of an item, without defaults, so round trips stay short."""
    return item.model_dump(mode="python", exclude_defaults=True)


_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


class _Dumper(yaml.SafeDumper):
    """PyYAML writes NEL, LS and PS raw, and reading them back turns them into line breaks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(ch in value for ch in _YAML_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def to_yaml(data: Any) -> str:
    """YAML text that loads back to exactly ``data``, in the key order given."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
