"""One YAML source, stage by stage: compose the nodes, build the data, check the budgets,
split the items. Each stage either hands on or stops with the problem that says why."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
import yaml.reader

from generator.load.build import (
    MAX_NODES,
    SHORT_TEXT,
    Builder,
    NeedsPositions,
    TooLargeError,
    unique_nodes,
)
from generator.load.comments import dropped_comments
from generator.load.compose import MAX_DEPTH, NULL_TAG, TooDeepError, deferred_tag, loader_for
from generator.load.decode import read_source
from generator.load.expansion import expansion_budget, expansion_overrun, may_alias
from generator.load.items import LoadResult, split_items
from generator.load.positions import mark_position, text_position
from generator.problems import Problem, Severity, quote


def load_file(file: Path, display: str) -> LoadResult:
    """Read and parse one file; ``display`` is the path shown in problems."""
    text, problems = read_source(file, display)
    if text is None:
        return LoadResult(problems=problems)
    return load_text(text, display)


def load_text(text: str, path: str) -> LoadResult:
    """Parse one YAML source into items with positions, or problems."""
    result = LoadResult(text=text)
    loader = loader_for(text)
    try:
        root = _compose(loader, text, path)
        if isinstance(root, Problem):
            result.problems.append(root)
            return result
        built = _build(loader, root, path)
        if isinstance(built, Problem):
            result.problems.append(built)
            return result
        data, builder = built
        overrun = _overrun(builder, text, path)
        if overrun is not None:
            result.problems.append(overrun)
            return result
        _collect(data, builder, root, path, result)
        return result
    finally:
        loader.dispose()


def _compose(loader: Any, text: str, path: str) -> yaml.MappingNode | yaml.SequenceNode | Problem:
    """The top-level collection of ``text``, or the problem that stops it being a document."""
    try:
        root = loader.get_single_node()
    except TooDeepError as error:
        line, column = mark_position(error.mark)
        return Problem(path, line, column, "YAML005", Severity.ERROR,
                       f"values nest more than {MAX_DEPTH} levels deep; flatten the structure")
    except yaml.reader.ReaderError as error:
        line, column = text_position(text, error.position)
        char = error.character if isinstance(error.character, str) else chr(error.character)
        return Problem(path, line, column, "YAML001", Severity.ERROR,
                       f"invalid character U+{ord(char):04X}: control characters are not "
                       "allowed in YAML; delete it")
    except yaml.MarkedYAMLError as error:
        return _syntax_problem(error, text, path)
    except yaml.YAMLError as error:
        reason = " ".join(str(error).split())
        return Problem(path, 1, 1, "YAML001", Severity.ERROR, f"invalid YAML: {reason}")
    if root is not None and root.tag.__class__ is slice:
        root.tag = deferred_tag(root.tag)
    if root is None or (isinstance(root, yaml.ScalarNode) and root.value == ""
                        and root.tag == NULL_TAG):
        return Problem(path, 1, 1, "FILE004", Severity.ERROR,
                       "file is empty; expected a mapping with 'kind' (or a list of them)")
    if not isinstance(root, yaml.MappingNode | yaml.SequenceNode):
        line, column = mark_position(root.start_mark)
        return Problem(path, line, column, "YAML003", Severity.ERROR,
                       f"expected a mapping with 'kind' (or a list of them) at the top level, "
                       f"found a scalar {quote(root.value)}")
    return root


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    """YAML001 where the parser gave up, in its words, naming an undefined alias."""
    mark = error.problem_mark or error.context_mark
    line, column = mark_position(mark) if mark else (1, 1)
    reason = error.problem or "invalid YAML"
    if reason == "found undefined alias" and mark is not None:
        name = re.match(r"\*([^\s,\[\]{}]+)", text[mark.index:])
        reason += f" {quote(name.group(1))}" if name else ""
    if error.context:
        reason = f"{error.context}: {reason}"
    return Problem(path, line, column, "YAML001", Severity.ERROR, f"invalid YAML: {reason}")


def _build(loader: Any, root: yaml.Node, path: str) -> tuple[Any, Builder] | Problem:
    """The data of ``root`` and the builder that noted its problems, or YAML005 when it
    holds, or its aliases expand to, more values than the limit."""
    builder = Builder(loader, path, track=False)
    try:
        try:
            data = builder.build(root, ())
        except NeedsPositions:
            builder = Builder(loader, path)
            data = builder.build(root, ())
    except TooLargeError as error:
        line, column = mark_position(error.mark)
        aliased = builder.aliased or unique_nodes(root) < builder.count
        message = (f"aliases expand to more than {MAX_NODES:,} values (or refer to "
                   "themselves); write the content out instead" if aliased else
                   f"file holds more than {MAX_NODES:,} values; split it into smaller "
                   "documents")
        return Problem(path, line, column, "YAML005", Severity.ERROR, message)
    return data, builder


def _overrun(builder: Builder, text: str, path: str) -> Problem | None:
    """YAML008 when aliases take the text over its budget; measured exactly only when the
    bound the builder kept is passed and the text may alias at all."""
    if builder.long_text + SHORT_TEXT * builder.count > expansion_budget(text) and (
            may_alias(text)):
        return expansion_overrun(text, path)
    return None


def _collect(data: Any, builder: Builder, root: yaml.Node, path: str,
             result: LoadResult) -> None:
    """The builder's problems and the items of ``data``, once it is known to be within
    every budget."""
    if data is None:  # the top-level value itself was refused (a tag): nothing to split
        result.problems.extend(builder.problems)
        return
    if data == []:
        result.problems.append(
            Problem(path, 1, 1, "FILE004", Severity.ERROR,
                    "file holds an empty list; expected a mapping with 'kind' (or a list "
                    "of them)")
        )
        return
    result.problems.extend(builder.problems)
    if " #" in result.text or "\t#" in result.text:  # rare: only these files are walked again
        result.problems.extend(dropped_comments(root, result.text, path))
    split_items(data, builder, path, result)
