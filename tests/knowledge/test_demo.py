"""The demo's knowledge base: a dozen articles, public and internal, linked to the solved cases they answer;
ABCD's procedures load beside them, and its sample dialogues find their procedure."""

from __future__ import annotations

import json

from sqlalchemy import select

from sameside.auth.service import staff_actor
from sameside.db.engine import Database
from sameside.demo import seed
from sameside.demo.cast import DEMO_ADMIN_EMAIL
from sameside.demo.knowledge import ARTICLES, seed_abcd
from sameside.knowledge import queries
from sameside.knowledge.models import ArticleUse
from sameside.staff.models import Staff
from tests.support import corpus_dir


def test_the_demo_knowledge_base_answers_the_demos_own_customers(db: Database) -> None:
    with db.unit_of_work() as s:
        seed.seed_demo(s, cases=60, seed=7)  # the demo seeds its knowledge base itself

    with db.unit_of_work(write=False) as s:
        assert len(queries.articles(s, staff=True)) == len(ARTICLES) == 12
        public = queries.articles(s, staff=False)
        assert 6 <= len(public) < len(ARTICLES)  # the internal ones stay at the desk
        found = queries.find(s, "my parcel has not arrived yet, tracking has not moved", staff=False)
        assert found.articles and found.articles[0].title == "Where is my parcel?"
        assert s.scalars(select(ArticleUse)).first() is not None  # solved demo cases are linked


def test_abcd_procedures_load_and_its_dialogues_find_their_procedure(db: Database) -> None:
    folder = corpus_dir("support") / "abcd"
    with db.unit_of_work() as s:
        seed.seed_demo(s, cases=20, seed=7)
        admin = s.scalar(select(Staff).where(Staff.email == DEMO_ADMIN_EMAIL))
        assert admin is not None
        assert seed_abcd(s, staff_actor(admin), folder / "kb_articles.jsonl") == 55

    dialogues = json.loads((folder / "abcd_sample.json").read_text(encoding="utf-8"))
    refund = next(d for d in dialogues if d["scenario"]["subflow"] == "refund_status")
    said = " ".join([text for who, text in refund["original"] if who == "customer"][:2])
    with db.unit_of_work(write=False) as s:
        found = queries.find(s, said, staff=True, cases=False)
    assert [a.title for a in found.articles][:1] == ["Product Defect: Refund Status"]
