"""Error messages (core.errors): a close-name suggestion and a listing read as sentences."""
from core.errors import suggest


def test_suggest_with_a_listing_reads_as_sentences():
    assert suggest("lecunn", ["zeros", "lecun"], "known") == \
        "; did you mean 'lecun'? Known: zeros, lecun"
    assert suggest("qqq", ["zeros", "lecun"], "known") == "; known: zeros, lecun"
    assert suggest("lecunn", ["zeros", "lecun"]) == "; did you mean 'lecun'?"
