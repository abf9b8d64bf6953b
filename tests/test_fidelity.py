"""Accounting: every non-empty source line is body, title/TOC or removed — exactly once."""

import pytest

from speechsite.errors import InputError
from speechsite.fidelity import check_accounting
from speechsite.typography import normalise


def test_every_seed_line_is_accounted_for_once(seed_compilation):
    body = [p.line for s in seed_compilation.speeches for p in s.paragraphs]
    removed = [r.line for r in seed_compilation.removed]
    non_empty = [line.number for line in seed_compilation.lines if line.text.strip()]
    assert sorted(body + removed) == non_empty


def test_body_equals_source_apart_from_normalisation(seed_compilation):
    by_number = {line.number: line.text for line in seed_compilation.lines}
    for speech in seed_compilation.speeches_with_text:
        for paragraph in speech.paragraphs:
            assert paragraph.text == normalise(by_number[paragraph.line])


def test_a_lost_line_fails_the_check_with_its_number(seed_compilation):
    import copy
    broken = copy.deepcopy(seed_compilation)
    lost = broken.speeches[4].paragraphs.pop(3)
    with pytest.raises(InputError) as caught:
        check_accounting(broken, normalise)
    assert caught.value.line == lost.line and "lost" in str(caught.value)


def test_an_altered_line_fails_the_check(seed_compilation):
    import copy
    broken = copy.deepcopy(seed_compilation)
    broken.speeches[0].paragraphs[0].text += "多出的字"
    with pytest.raises(InputError, match="differs from the source"):
        check_accounting(broken, normalise)


def test_rendered_pages_are_checked_paragraph_by_paragraph(seed_compilation):
    from speechsite.fidelity import check_page

    speech = seed_compilation.speeches[0]
    page = "".join(f'<p id="{p.anchor}">{p.text}<a class="headerlink" href="#{p.anchor}">¶</a></p>'
                   for p in speech.paragraphs)
    check_page(seed_compilation, speech, page)
    with pytest.raises(InputError) as caught:
        check_page(seed_compilation, speech, page.replace(speech.paragraphs[2].text[:5], "", 1))
    assert caught.value.line == speech.paragraphs[2].line and "differs" in str(caught.value)
    with pytest.raises(InputError, match="missing"):
        check_page(seed_compilation, speech, page.replace('id="p4"', 'id="x4"'))
