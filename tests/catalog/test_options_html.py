from __future__ import annotations

from catalog.html import options_html


def test_it_marks_the_selected_option_and_escapes_everything():
    html = options_html([("a&b", 'A "quoted" <label>'), ("c", "C")], "c", "Any <thing>")
    assert html == (
        '<option value="">Any &lt;thing&gt;</option>'
        '<option value="a&amp;b">A &quot;quoted&quot; &lt;label&gt;</option>'
        '<option value="c" selected>C</option>'
    )


def test_without_an_empty_option_and_nothing_selected():
    assert options_html([("x", "X")], "") == '<option value="x">X</option>'


def test_a_group_of_choices_is_an_optgroup():
    html = options_html([("", "Any"), ("By <kind>", [("a", "A"), ("b", "B")]), ("c", "C")], "b")
    assert html == (
        '<option value="">Any</option>'
        '<optgroup label="By &lt;kind&gt;"><option value="a">A</option>'
        '<option value="b" selected>B</option></optgroup>'
        '<option value="c">C</option>'
    )
