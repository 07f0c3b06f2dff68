"""Accessible names the plugin adds to Material's and pymdownx's markup, exactly."""

from __future__ import annotations

from generator.mkdocs.pages import name_task_checkboxes

BOX = ('<label class="task-list-control"><input type="checkbox" disabled/>'
       '<span class="task-list-indicator"></span></label>')


def test_a_checklist_item_names_its_checkbox_with_its_words() -> None:
    html = (f'<ul class="task-list"><li class="task-list-item">{BOX} <strong>1. Gather</strong> '
            f'(<a href="../r/">Tech</a>, 2h)<ul class="task-list">'
            f'<li class="task-list-item">{BOX} The count matches.</li></ul></li></ul>')
    assert name_task_checkboxes(html) == (
        '<ul class="task-list"><li class="task-list-item"><label class="task-list-control">'
        '<input type="checkbox" aria-label="1. Gather (Tech, 2h)" disabled/>'
        '<span class="task-list-indicator"></span></label> <strong>1. Gather</strong> '
        '(<a href="../r/">Tech</a>, 2h)<ul class="task-list"><li class="task-list-item">'
        '<label class="task-list-control"><input type="checkbox" '
        'aria-label="The count matches." disabled/><span class="task-list-indicator"></span>'
        '</label> The count matches.</li></ul></li></ul>')


def test_author_text_in_the_name_stays_escaped() -> None:
    html = f'<li class="task-list-item">{BOX} Say &quot;hi&quot; &lt;b&gt; &amp; go</li>'
    named = name_task_checkboxes(html)
    assert 'aria-label="Say &quot;hi&quot; &lt;b&gt; &amp; go"' in named


def test_an_item_in_a_paragraph_and_an_empty_item() -> None:
    loose = f'<li class="task-list-item"><p>{BOX} Loose item</p></li>'
    assert 'aria-label="Loose item"' in name_task_checkboxes(loose)
    empty = f'<li class="task-list-item">{BOX}</li>'
    assert name_task_checkboxes(empty) == empty


def test_a_page_without_task_lists_is_returned_unchanged() -> None:
    html = '<p><label for="x">Date</label> <input type="date" id="x"></p>'
    assert name_task_checkboxes(html) is html
