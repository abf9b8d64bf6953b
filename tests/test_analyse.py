"""Analyse: the build's single pass (each speech segmented once, its segments shared) gives what each analysis gives
on its own, and times each analysis when asked."""

from speechsite.analyse import analyse
from speechsite.damage import damage_report
from speechsite.metadata import compilation_metadata, display_titles
from speechsite.passages import passages_by_paragraph, shared_passages
from speechsite.stats import characteristic_words
from speechsite.timing import StageTimes
from speechsite.related import related_speeches
from speechsite.words import term_weights


def test_the_shared_pass_equals_each_analysis_on_its_own(seed_compilation):
    analysis = seed_compilation.analysis
    assert analysis.metadata == compilation_metadata(seed_compilation)
    assert analysis.display_titles == display_titles(seed_compilation)
    assert analysis.characteristic_words == characteristic_words(term_weights(seed_compilation))
    assert analysis.related == related_speeches(seed_compilation)
    assert analysis.passages == shared_passages(seed_compilation)
    assert analysis.passages_by_paragraph == passages_by_paragraph(analysis.passages)
    assert analysis.damage == damage_report(seed_compilation)


def test_each_analysis_is_timed(seed_compilation):
    times = StageTimes()
    assert analyse(seed_compilation, times) == seed_compilation.analysis
    assert set(times) == {f"analyse: {name}" for name in
                          ("passages", "segment words", "metadata", "word weights", "damage", "related")}
