"""The ranking itself, without a database: words and meaning together, "nothing fits", and the inverted file
that large indexes use finding what the exact scan finds."""

from __future__ import annotations

import numpy as np

from sameside.knowledge import embedding, retrieval, rules


def _doc(key: int, title: str, body: str) -> retrieval.Document:
    return retrieval.document(key, title, rules.passages(title, body), f"{title}\n\n{body}")


def test_meaning_finds_an_article_that_shares_few_words_with_the_question() -> None:
    index = retrieval.Index(
        [
            _doc(1, "Changing your PIN", "You can change your PIN at any cash machine."),
            _doc(2, "Card arrival", "Cards arrive within five working days of ordering."),
        ]
    )
    found = index.search("my new card still has not come in the post")
    assert [h.key for h in found.hits][:1] == [2] and not found.nothing_fits
    nothing = index.search("recommend a good pizza place")
    assert nothing.hits == [] and nothing.nothing_fits


def test_a_plain_question_finds_the_article_its_title_names() -> None:
    """The boots and the fit pull the meaning away from "Returning something"; the title's word brings it back."""
    index = retrieval.Index(
        [
            _doc(1, "Returning something", "You have 30 days to send an item back. Print the label in your account."),
            _doc(2, "Where is my parcel?", "Track it with the link in your dispatch email."),
        ]
    )
    found = index.search("how do I return boots that do not fit")
    assert [h.key for h in found.hits][:1] == [1] and found.hits[0].title_word and not found.nothing_fits
    # A title word alone is not enough: far in meaning, nothing fits still.
    far = index.search("what time does return of the jedi start tonight")
    assert far.nothing_fits, far.hits


def test_the_inverted_file_finds_what_the_exact_scan_finds() -> None:
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((40, embedding.DIMENSIONS)).astype(np.float32)
    documents = []
    for key in range(retrieval.EXACT_UP_TO + 500):
        v = centres[key % 40] + 0.3 * rng.standard_normal(embedding.DIMENSIONS).astype(np.float32)
        v /= np.linalg.norm(v)
        documents.append(retrieval.Document(key, f"topic{key % 40} item{key}", v[None, :], v[None, :]))
    large = retrieval.Index(documents)
    assert large._lists is not None  # clustered
    agree = 0
    for key in range(0, 400, 10):
        q = documents[key].whole_vector[0]
        exact_scores = np.asarray([float(d.whole_vector[0] @ q) for d in documents])
        assert large.search(f"topic{key % 40}", limit=1, threshold=-1, vector=q).hits[0].key in {
            int(np.argmax(exact_scores)),
            key,
        }
        agree += 1
    assert agree == 40


def test_bm25_reads_only_the_question_words_postings() -> None:
    bm25 = rules.Bm25.of(["refund my order", "order arrived broken", "reset password"])
    scores = bm25.scores("Refund the order")
    assert scores[0] > scores[1] > 0 and scores[2] == 0
