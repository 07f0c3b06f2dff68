"""The pre-mortem's heat map: likelihood x impact, the number of risks in each cell.

The map is HTML built here rather than a Markdown table because each cell carries the class
of its level (`generator.model.documents.risk_level`), which a Markdown table cannot give a
cell. The only author text in it is the risk ids, escaped. Every cell says its level as a
word next to the count, so colour is never the only signal; the legend gives the bands.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from generator.model.documents import RISK_LEVELS, Risk, risk_level

SCALE = (1, 2, 3, 4, 5)
"""Likelihood and impact, as `Risk` scores them."""


def level_class(level: str) -> str:
    """The class that colours a cell or a word of ``level`` (the stylesheet's
    `Risk heat map` section has one per level, light and dark)."""
    return f"sopsite-level sopsite-level--{level}"


def level_word(risk: Risk, words: Mapping[str, str]) -> Markup:
    """The level of ``risk`` as a coloured word for the risks table; unscored risks say so."""
    level = risk.level
    if level is None:
        return Markup("<em>{}</em>").format(words["not_scored"])
    return Markup('<span class="{}">{}</span>').format(level_class(level),
                                                       words["risk_level_" + level])


def _count_text(count: int, words: Mapping[str, str]) -> str:
    if count == 0:
        return words["risk_heat_none"]
    return words["risk_heat_one"] if count == 1 else words["risk_heat_cell"].format(count=count)


def heat_map(risks: Sequence[Risk], words: Mapping[str, str]) -> Markup:
    """The heat map of the scored ``risks`` and its legend, as one HTML block.

    Rows run from likelihood 5 down to 1 and columns from impact 1 to 5, as risk matrices
    are usually drawn, so the high corner is at the top right.
    """
    rows: list[Markup] = []
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(impact)
                           for impact in SCALE)
    rows.append(Markup('<thead><tr><th scope="col">{} ↓ / {} →</th>{}</tr></thead>').format(
        words["likelihood"], words["impact"], head))
    body: list[Markup] = []
    for likelihood in reversed(SCALE):
        cells: list[Markup] = []
        for impact in SCALE:
            level = risk_level(likelihood, impact)
            ids = [r.id for r in risks if r.likelihood == likelihood and r.impact == impact]
            title = _count_text(len(ids), words)
            cells.append(Markup(
                '<td class="{} sopsite-heat{}" title="{}: {}">'
                '<span class="sopsite-heat__count">{}</span> '
                '<span class="sopsite-heat__level">{}</span>{}</td>').format(
                level_class(level), "" if ids else " sopsite-heat--empty",
                title, words["risk_level_" + level], len(ids), words["risk_level_" + level],
                Markup('<span class="sopsite-heat__ids">{}</span>').format(", ".join(ids))
                if ids else ""))
        body.append(Markup('<tr><th scope="row">{}</th>{}</tr>').format(
            likelihood, Markup("").join(cells)))
    rows.append(Markup("<tbody>\n{}\n</tbody>").format(Markup("\n").join(body)))
    legend: list[Markup] = []
    low = 1
    for top, level in RISK_LEVELS:
        legend.append(Markup('<li><span class="{}">{}</span> {}\u2013{}</li>').format(
            level_class(level), words["risk_level_" + level], low, top))
        low = top + 1
    return Markup(
        '<div class="sopsite-heatmap">\n'
        '<table class="sopsite-heatmap__grid">\n{}\n</table>\n'
        '<p class="sopsite-heatmap__legend-title">{}</p>\n'
        '<ul class="sopsite-heatmap__legend">{}</ul>\n'
        '</div>').format(Markup("\n").join(rows), words["risk_heat_legend"],
                         Markup("").join(legend))
