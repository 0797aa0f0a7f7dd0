"""A database written under the previous embedding model (WordLlama, 256 numbers a vector) keeps working after the
switch to MiniLM: its articles are still found, and `sameside init` embeds them again once."""

from __future__ import annotations

import numpy as np
from sqlalchemy import func, select, update

from sameside.db.engine import Database
from sameside.knowledge import embedding, queries, service
from sameside.knowledge.models import Article, ArticleRevision
from tests.factories import Factory
from tests.knowledge.seed import article

OLD_MODEL = "wordllama-l2-supercat-256"


def _as_if_written_by_the_old_model(db: Database, article_id: int) -> None:
    # Three passages and the whole, 256 float16 numbers each: rows the new width cannot even reshape evenly.
    old = np.ones((4, 256), dtype=np.float16).tobytes()
    with db.unit_of_work() as s:
        s.execute(update(Article).where(Article.id == article_id).values(vectors=old, vectors_model=OLD_MODEL))
    queries.forget_indexes()


def test_articles_embedded_by_the_old_model_are_still_found_and_init_embeds_them_again(
    db: Database, make: Factory
) -> None:
    editor = make.staff(password=None)
    number = article(db, editor.id, title="Card arrival", body="Cards arrive within five working days.")
    other = article(db, editor.id, title="Changing your PIN", body="Change your PIN at any cash machine.")
    _as_if_written_by_the_old_model(db, number)

    with db.unit_of_work(write=False) as s:
        found = queries.find(s, "my new card still has not come in the post", staff=True, cases=False)
    assert [a.id for a in found.articles][:1] == [number]

    with db.unit_of_work() as s:
        revisions = s.scalar(select(func.count()).select_from(ArticleRevision))
        assert service.refresh_vectors(s) == 1
    with db.unit_of_work() as s:
        assert service.refresh_vectors(s) == 0  # once
        rows = {a.id: a for a in s.scalars(select(Article))}
        assert {a.vectors_model for a in rows.values()} == {embedding.MODEL}
        assert embedding.from_bytes(rows[number].vectors).shape == (3, embedding.DIMENSIONS)  # title, text, whole
        assert rows[number].vectors == service.vectors_of("Card arrival", "Cards arrive within five working days.")
        assert s.scalar(select(func.count()).select_from(ArticleRevision)) == revisions  # the words did not change
        assert rows[other].version == 1
