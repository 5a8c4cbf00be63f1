"""Generate the bench data into a fresh SQLite database (WAL), migrated as production is.

What is made (``Scale`` gives the sizes; ``FULL`` is what `make bench` uses):

* the demo article (``corrections.cli.load_demo``), its demo moderator and an API token
  (``services.tokens.create_token``);
* on the demo article: a section thread posted through ``services.comments.post_comment``
  (100 comments), another section with 1,000 published comments (bulk), 100,000 pending
  comments and 100,000 pending corrections for the moderation queue (bulk Core inserts);
* a copy of the article with 1,000 published comments spread over its sections (the page);
* two more copies, each with corrections submitted through
  ``services.corrections.submit_correction`` for the accept measure; one of them then gets
  10,000 updates, each with its revision and layout rows, inserted directly.

The same threads are written to a JSON file for Isso's seeder (``bench.peer``).
"""

from __future__ import annotations

import json
import logging
import random
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text, update

from bench.corpus import Person, comment_body, people, update_text

log = logging.getLogger("bench.data")

CHUNK = 5_000


@dataclass(frozen=True)
class Scale:
    small_thread: int = 100
    large_thread: int = 1_000
    page_comments: int = 1_000
    pending_comments: int = 100_000
    pending_corrections: int = 100_000
    updates: int = 10_000
    accepts: int = 150  # corrections ready to accept on each of the two articles


FULL = Scale()
SMOKE = Scale(
    small_thread=20,
    large_thread=60,
    page_comments=40,
    pending_comments=300,
    pending_corrections=200,
    updates=50,
    accepts=6,
)


@dataclass(frozen=True)
class CommentSpec:
    """One comment of a thread, written identically to both systems."""

    person: Person
    body: str
    created: datetime
    parent: int | None  # index of the comment it answers, in the same thread


@dataclass
class Dataset:
    """What the measures need to address the data."""

    slug: str
    small_key: str
    large_key: str
    post_key: str
    page_slug: str
    accept_zero_slug: str
    accept_many_slug: str
    token: str
    accept_zero: list[int] = field(default_factory=list)
    accept_many: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, path: Path) -> Dataset:
        return cls(**json.loads(path.read_text()))


def thread_specs(rng: random.Random, count: int, crowd: list[Person]) -> list[CommentSpec]:
    """A thread of ``count`` comments over the last days; about 30% answer an earlier one."""
    created = datetime.now(UTC) - timedelta(days=3)
    specs: list[CommentSpec] = []
    for i in range(count):
        created += timedelta(seconds=rng.randint(5, 400))
        parent = None
        if i and rng.random() < 0.3:
            parent = max(0, i - 1 - int(rng.expovariate(1 / 8)))
        specs.append(CommentSpec(rng.choice(crowd), comment_body(rng), created, parent))
    return specs


def isso_thread(specs: list[CommentSpec]) -> list[dict[str, Any]]:
    """The thread as Isso stores it: one level of replies (its own rule), raw Markdown."""
    roots: list[int] = []
    rows = []
    for i, spec in enumerate(specs):
        root = i if spec.parent is None else roots[spec.parent]
        roots.append(root)
        rows.append(
            {
                "author": spec.person.name,
                "email": spec.person.email,
                "remote_addr": spec.person.network,
                "text": spec.body,
                "created": spec.created.timestamp(),
                "parent": None if root == i else root,
            }
        )
    return rows


def chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Builder:
    """Writes one database; every step is a method so that the order reads top-down."""

    def __init__(self, app: Any, secret: str, scale: Scale, seed: int) -> None:
        from corrections.extensions import db

        self.app = app
        self.db = db
        self.session = db.session
        self.secret = secret
        self.scale = scale
        self.rng = random.Random(seed)
        self.crowd = people(self.rng, 400)
        self._html: dict[str, str] = {}

    # helpers -------------------------------------------------------------------------

    def html(self, body: str) -> str:
        from corrections.text.markdown import render_markdown

        if body not in self._html:
            self._html[body] = render_markdown(body)
        return self._html[body]

    def net(self, person: Person) -> str:
        from corrections.services.hashing import network_hash

        return network_hash(self.secret, person.network.rsplit(".", 1)[0] + ".7") or ""

    def sections(self, slug: str) -> list[Any]:
        from corrections.services.articles import read_article

        return read_article(self.session, slug).sections

    def body_sections(self, slug: str) -> list[Any]:
        from corrections.models import SectionKind

        return [s for s in self.sections(slug) if s.kind == SectionKind.BODY]

    def next_id(self, table: Any) -> int:
        return (self.session.scalar(select(func.max(table.c.id))) or 0) + 1

    def insert(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        count = 0
        for batch in chunks(rows):
            self.session.execute(insert(model.__table__), batch)
            count += len(batch)
        self.session.commit()
        return count

    # steps ---------------------------------------------------------------------------

    def articles(self) -> dict[str, str]:
        from corrections.cli import DEMO_SLUG, DEMO_TITLE, load_demo
        from corrections.services import articles

        load_demo(self.app)
        text_ = (Path(__file__).resolve().parent.parent / "corrections/demo/article.txt").read_text(
            "utf-8"
        )
        slugs = {
            "page": "bench-page",
            "accept_zero": "bench-accept-0",
            "accept_many": "bench-accept-many",
        }
        for slug in slugs.values():
            articles.import_article(self.session, text_, slug=slug, title=DEMO_TITLE)
        return {"demo": DEMO_SLUG, **slugs}

    def token(self) -> str:
        from corrections.services import tokens, users

        moderator = users.find_user(self.session, "moderator@demo.invalid")
        assert moderator is not None, "load_demo made no moderator"
        _, plaintext = tokens.create_token(self.session, moderator, "bench")
        return plaintext

    def posted_thread(self, slug: str, key: str, specs: list[CommentSpec]) -> list[int]:
        """Post a thread through the service, as readers' requests would."""
        from corrections.models import CommentStatus
        from corrections.services import comments
        from corrections.services.abuse import Submitter

        ids: list[int] = []
        for spec in specs:
            submitter = Submitter(
                secret=self.secret,
                name=spec.person.name,
                email=spec.person.email,
                network_hash=self.net(spec.person),
            )
            result = comments.post_comment(
                self.session,
                slug=slug,
                section_key=key,
                body=spec.body,
                submitter=submitter,
                site_mode="post",
                parent_id=ids[spec.parent] if spec.parent is not None else None,
            )
            assert result.comment.status == CommentStatus.PUBLISHED, result.comment.hold_reason
            ids.append(result.comment.id)
        return ids

    def comment_rows(
        self,
        article_id: int,
        placed: list[tuple[int, CommentSpec]],
        *,
        status: Any,
        first_id: int,
    ) -> Iterator[dict[str, Any]]:
        """Rows for comments (section id, spec); parents refer to the same list."""
        from corrections.models import CommentStatus

        published = status == CommentStatus.PUBLISHED
        depths: list[int] = []
        for i, (section_id, spec) in enumerate(placed):
            depth = 0 if spec.parent is None else depths[spec.parent] + 1
            depths.append(depth)
            yield {
                "id": first_id + i,
                "article_id": article_id,
                "section_id": section_id,
                "parent_id": None if spec.parent is None else first_id + spec.parent,
                "depth": depth,
                "user_id": None,
                "author_name": spec.person.name,
                "author_email": spec.person.email,
                "body_source": spec.body,
                "body_html": self.html(spec.body),
                "anchor_id": None,
                "status": status,
                "hold_reason": None if published else "first comment",
                "decision_reason": None,
                "network_hash": self.net(spec.person),
                "edit_secret_hash": None,
                "idempotency_key": None,
                "flag_count": 0,
                "created_at": spec.created,
                "edited_at": None,
                "published_at": spec.created if published else None,
            }

    def bulk_thread(self, article_id: int, section_id: int, specs: list[CommentSpec]) -> int:
        from corrections.models import Comment, CommentStatus

        first = self.next_id(Comment.__table__)
        placed = [(section_id, spec) for spec in specs]
        rows = self.comment_rows(article_id, placed, status=CommentStatus.PUBLISHED, first_id=first)
        return self.insert(Comment, rows)

    def spread_comments(self, article_id: int, sections: list[Any], count: int) -> int:
        """Published comments over every section, each section its own thread."""
        from corrections.models import Comment, CommentStatus

        weights = [self.rng.uniform(0.5, 3) for _ in sections]
        chosen = self.rng.choices(sections, weights, k=count)
        total = 0
        for section in sections:
            specs = thread_specs(self.rng, chosen.count(section), self.crowd)
            rows = self.comment_rows(
                article_id,
                [(section.section_id, s) for s in specs],
                status=CommentStatus.PUBLISHED,
                first_id=self.next_id(Comment.__table__),
            )
            total += self.insert(Comment, rows)
        return total

    def pending_comments(self, article_id: int, sections: list[Any], count: int) -> int:
        """The moderation queue's comments: ``count`` held guests' comments, oldest first."""
        from corrections.models import Comment, CommentStatus

        pool = [comment_body(self.rng) for _ in range(min(count, 1_000))]
        start = datetime.now(UTC) - timedelta(days=20)
        first = self.next_id(Comment.__table__)

        def placed() -> Iterator[tuple[int, CommentSpec]]:
            for i in range(count):
                spec = CommentSpec(
                    self.rng.choice(self.crowd),
                    self.rng.choice(pool),
                    start + timedelta(seconds=i * 15),
                    None,
                )
                yield self.rng.choice(sections).section_id, spec

        rows = self.comment_rows(
            article_id, list(placed()), status=CommentStatus.PENDING, first_id=first
        )
        return self.insert(Comment, rows)

    def quotes(self, sections: list[Any], count: int) -> list[tuple[Any, int, int]]:
        """``count`` quotable spans (section, start, end) of 2 to 5 words."""
        spans = []
        for _ in range(count):
            section = self.rng.choice(sections)
            words = [m.span() for m in re.finditer(r"\S+", section.text)]
            first = self.rng.randrange(0, max(1, len(words) - 5))
            last = min(len(words) - 1, first + self.rng.randint(1, 4))
            spans.append((section, words[first][0], words[last][1]))
        return spans

    def pending_corrections(
        self, article_id: int, revision_id: int, sections: list[Any], count: int
    ) -> int:
        """The queue's corrections, each with its anchor and one to three source links."""
        from corrections.models import (
            Anchor,
            AnchorState,
            Correction,
            CorrectionKind,
            CorrectionLink,
            CorrectionStatus,
        )
        from corrections.services.hashing import token_hash

        spans = self.quotes(sections, 500)
        anchor_id = self.next_id(Anchor.__table__)
        correction_id = self.next_id(Correction.__table__)
        start = datetime.now(UTC) - timedelta(days=20)
        anchors, corrections, links = [], [], []
        for i in range(count):
            section, begin, end = self.rng.choice(spans)
            body = section.text
            anchors.append(
                {
                    "id": anchor_id + i,
                    "section_id": section.section_id,
                    "revision_id": revision_id,
                    "start": begin,
                    "end": end,
                    "exact": body[begin:end],
                    "prefix": body[max(0, begin - 32) : begin],
                    "suffix": body[end : end + 32],
                    "state": AnchorState.CURRENT,
                    "current_revision_id": revision_id,
                    "current_start": begin,
                    "current_end": end,
                }
            )
            person = self.rng.choice(self.crowd)
            corrections.append(
                {
                    "id": correction_id + i,
                    "public_id": secrets.token_urlsafe(12),
                    "article_id": article_id,
                    "section_id": section.section_id,
                    "anchor_id": anchor_id + i,
                    "kind": self.rng.choice(list(CorrectionKind)),
                    "proposed_text": f"{self.rng.randint(2, 900)} homes",
                    "explanation": comment_body(self.rng)[:600],
                    "reporter_name": person.name,
                    "reporter_email": person.email,
                    "reporter_user_id": None,
                    "token_hash": token_hash(f"bench-{i}"),
                    "network_hash": self.net(person),
                    "idempotency_key": None,
                    "status": CorrectionStatus.PENDING,
                    "version": 1,
                    "text_applied": False,
                    "created_at": start + timedelta(seconds=i * 15),
                }
            )
            for position in range(self.rng.randint(1, 3)):
                domain = self.rng.choice(("example.org", "example.net", "example.com"))
                links.append(
                    {
                        "correction_id": correction_id + i,
                        "position": position,
                        "url": f"https://{domain}/source/{i}/{position}",
                        "domain": domain,
                    }
                )
        self.insert(Anchor, anchors)
        self.insert(Correction, corrections)
        self.insert(CorrectionLink, links)
        return count

    def corrections_to_accept(self, slug: str, count: int) -> list[int]:
        """Corrections submitted through the service, as readers' forms would."""
        from corrections.services.abuse import Submitter
        from corrections.services.anchors import QuoteInput
        from corrections.services.corrections import submit_correction

        ids = []
        for i in range(count):
            person = self.crowd[i % len(self.crowd)]
            result = submit_correction(
                self.session,
                slug=slug,
                section_key="introduction",
                quote=QuoteInput("412 homes"),
                kind="correction",
                proposed_text=f"{415 + i} homes",
                explanation="The council revised the figure on Thursday.",
                links=[f"https://example.org/council/{i}"],
                submitter=Submitter(
                    secret=self.secret,
                    name=person.name,
                    email=person.email,
                    network_hash=self.net(person),
                ),
                idempotency_key=None,
            )
            ids.append(result.correction.id)
        return ids

    def many_updates(self, slug: str, count: int) -> int:
        """``count`` published updates, each with its revision and layout, as
        ``publish_update`` would have written them one accept at a time."""
        from corrections.models import (
            Article,
            Revision,
            RevisionKind,
            RevisionSection,
            Update,
        )
        from corrections.services import users

        article = self.session.scalars(select(Article).where(Article.slug == slug)).one()
        moderator = users.find_user(self.session, "moderator@demo.invalid")
        layout = list(
            self.session.scalars(
                select(RevisionSection).where(
                    RevisionSection.revision_id == article.current_revision_id
                )
            )
        )
        first_number = (
            self.session.scalar(
                select(func.max(Revision.number)).where(Revision.article_id == article.id)
            )
            or 0
        ) + 1
        first_id = self.next_id(Revision.__table__)
        start = datetime.now(UTC) - timedelta(days=400)
        revisions, placements, updates = [], [], []
        for i in range(count):
            at = start + timedelta(minutes=50 * i)
            revision_id = first_id + i
            revisions.append(
                {
                    "id": revision_id,
                    "article_id": article.id,
                    "number": first_number + i,
                    "kind": RevisionKind.UPDATE,
                    "summary": "Correction accepted",
                    "created_by_id": moderator.id if moderator else None,
                    "created_at": at,
                    "is_minor": False,
                }
            )
            placements += [
                {
                    "revision_id": revision_id,
                    "section_id": row.section_id,
                    "text_id": row.text_id,
                    "position": row.position,
                }
                for row in layout
            ]
            updates.append(
                {
                    "article_id": article.id,
                    "number": i + 1,
                    "body": update_text(self.rng, i + 1),
                    "published_at": at,
                    "revision_id": revision_id,
                    "created_by_id": moderator.id if moderator else None,
                }
            )
        self.insert(Revision, revisions)
        self.insert(RevisionSection, placements)
        self.insert(Update, updates)
        self.session.execute(
            update(Article)
            .where(Article.id == article.id)
            .values(current_revision_id=first_id + count - 1)
        )
        self.session.commit()
        return count


def build(
    db_path: Path, instance: Path, secret: str, scale: Scale, isso_json: Path, seed: int = 7
) -> Dataset:
    """Make a fresh database at ``db_path`` and return how to address its data."""
    from flask_migrate import upgrade

    from corrections import create_app
    from corrections.models import Article, Correction, CorrectionStatus

    started = time.perf_counter()
    for stale in (db_path, db_path.with_name(db_path.name + "-wal")):
        stale.unlink(missing_ok=True)
    db_path.with_name(db_path.name + "-shm").unlink(missing_ok=True)
    instance.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "CORRECTIONS_ENV": "development",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "SECRET_KEY": secret,
            "CORRECTIONS_MODERATION_MODE": "post",
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(instance),
    )
    with app.app_context():
        logging.disable(logging.INFO)  # alembic's own lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        b = Builder(app, secret, scale, seed)
        slugs = b.articles()
        token = b.token()
        demo = b.session.scalars(select(Article).where(Article.slug == slugs["demo"])).one()
        body = b.body_sections(slugs["demo"])
        small_key, large_key, post_key = body[1].key, body[2].key, body[-1].key
        small = thread_specs(b.rng, scale.small_thread, b.crowd)
        large = thread_specs(b.rng, scale.large_thread, b.crowd)
        counts: dict[str, int] = {}
        step = time.perf_counter()
        counts["small thread (service)"] = len(b.posted_thread(slugs["demo"], small_key, small))
        log.info("posted %d comments through the service", scale.small_thread)
        counts["large thread"] = b.bulk_thread(demo.id, body[2].section_id, large)
        page = b.session.scalars(select(Article).where(Article.slug == slugs["page"])).one()
        counts["page comments"] = b.spread_comments(
            page.id, b.body_sections(slugs["page"]), scale.page_comments
        )
        counts["pending comments"] = b.pending_comments(demo.id, body, scale.pending_comments)
        log.info("comments written in %.1f s", time.perf_counter() - step)
        step = time.perf_counter()
        # The corrections waiting to be accepted are pending too: the queue holds exactly
        # ``scale.pending_corrections`` of them until the accept measure runs.
        b.pending_corrections(
            demo.id, demo.current_revision_id, body, scale.pending_corrections - 2 * scale.accepts
        )
        log.info("pending corrections written in %.1f s", time.perf_counter() - step)
        accept_zero = b.corrections_to_accept(slugs["accept_zero"], scale.accepts)
        accept_many = b.corrections_to_accept(slugs["accept_many"], scale.accepts)
        counts["pending corrections"] = b.session.scalar(
            select(func.count()).where(Correction.status == CorrectionStatus.PENDING)
        )
        counts["updates"] = b.many_updates(slugs["accept_many"], scale.updates)
        b.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        b.session.commit()
        b.session.remove()
        b.db.engine.dispose()
    threads = {
        "/thread-small": {"title": "Small thread", "comments": isso_thread(small)},
        "/thread-large": {"title": "Large thread", "comments": isso_thread(large)},
        "/thread-post": {"title": "Posting", "comments": []},
    }
    isso_json.write_text(json.dumps(threads))
    return Dataset(
        slug=slugs["demo"],
        small_key=small_key,
        large_key=large_key,
        post_key=post_key,
        page_slug=slugs["page"],
        accept_zero_slug=slugs["accept_zero"],
        accept_many_slug=slugs["accept_many"],
        token=token,
        accept_zero=accept_zero,
        accept_many=accept_many,
        counts=counts,
        seconds=round(time.perf_counter() - started, 1),
    )
