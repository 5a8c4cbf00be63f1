"""Importing articles from the plain-text format, and reading any revision of one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from corrections.db import begin_write
from corrections.i18n import _, _l, site_locale
from corrections.models import (
    Article,
    Revision,
    RevisionKind,
    RevisionSection,
    Section,
    SectionKind,
    SectionText,
    Update,
    User,
)
from corrections.services.applied_fixes import UndoesCorrection, record_undone, undone_fixes
from corrections.services.errors import Conflict, Invalid, NotFound
from corrections.services.revisions import SectionDraft, lock_article, publish_revision
from corrections.text.article_format import (
    ArticleFormatError,
    ParsedArticle,
    ParsedUpdate,
    derive_title,
    parse_article,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class ImportResult:
    article: Article
    revision: Revision
    title_derived: bool
    updates_added: int


@dataclass(frozen=True)
class SectionView:
    section_id: int
    key: str
    heading: str
    kind: SectionKind
    text: str


@dataclass(frozen=True)
class UpdateView:
    number: int
    body: str
    published_at: datetime
    revision_number: int


@dataclass(frozen=True)
class ArticleState:
    """What decides an article page's validator, without its text or updates."""

    article_id: int
    revision_id: int
    latest_number: int
    is_minor: bool


@dataclass(frozen=True)
class ArticleView:
    """An article as of one revision: what a reader sees on its page."""

    article: Article
    revision: Revision
    latest_number: int
    sections: list[SectionView]
    updates: list[UpdateView]

    @property
    def is_latest(self) -> bool:
        return self.revision.number == self.latest_number


def _site(message: object) -> str:
    """Text stored with the article (a version's summary): in the site's language."""
    with site_locale():
        return str(message)


def validate_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug or ""):
        raise Invalid(
            _(
                "The slug %(slug)s is not usable: use 1-80 lower-case letters, digits and "
                "hyphens, starting and ending with a letter or digit.",
                slug=repr(slug),
            ),
            fields={"slug": [_("Use lower-case letters, digits and hyphens.")]},
        )
    return slug


def import_article(
    session: Session,
    text: str,
    *,
    slug: str,
    title: str | None = None,
    new_revision: bool = False,
    actor: User | None = None,
    summary: str | None = None,
    confirm_undo: bool = False,
) -> ImportResult:
    """Create an article from text, or with ``new_revision`` publish its next revision.

    A revision that would take out an accepted correction's words is refused with
    ``UndoesCorrection``, unless ``confirm_undo`` (then each such correction's log says so)."""
    validate_slug(slug)
    try:
        parsed = parse_article(text)
    except ArticleFormatError as exc:
        raise Invalid(str(exc)) from exc
    if title is not None and not title.strip():
        raise Invalid(
            _("The title is empty."), fields={"title": [_("Give a title or leave it out.")]}
        )
    title = title.strip()[:MAX_TITLE_CHARS] if title else None

    begin_write(session)
    exists = session.scalar(select(Article.id).where(Article.slug == slug)) is not None
    try:
        if exists:
            if not new_revision:
                raise Conflict(
                    _(
                        "An article with the slug %(slug)s exists already; "
                        "import with --new-revision to publish a new revision of it.",
                        slug=repr(slug),
                    )
                )
            result = _import_revision(session, parsed, slug, title, actor, summary, confirm_undo)
        elif new_revision:
            # A mistyped slug would otherwise start a second article instead of revising one.
            raise NotFound(
                _(
                    "There is no article with the slug %(slug)s to revise; "
                    "leave out --new-revision to create it.",
                    slug=repr(slug),
                )
            )
        else:
            result = _import_new(session, parsed, slug, title, actor, summary)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            _("The article %(slug)s was changed at the same moment; try again.", slug=repr(slug))
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return result


def _drafts(parsed: ParsedArticle) -> list[SectionDraft]:
    return [SectionDraft(s.key, s.heading, SectionKind(s.kind), s.text) for s in parsed.sections]


def _add_updates(
    session: Session,
    article: Article,
    revision: Revision,
    updates: list[ParsedUpdate],
    first_number: int,
    actor: User | None,
) -> None:
    for number, parsed in enumerate(updates, start=first_number):
        published = (
            datetime.combine(parsed.published_on, time(12), tzinfo=UTC)
            if parsed.published_on
            else revision.created_at or datetime.now(UTC)
        )
        session.add(
            Update(
                article_id=article.id,
                number=number,
                body=parsed.body,
                published_at=published,
                revision_id=revision.id,
                created_by_id=actor.id if actor else None,
            )
        )


def _import_new(
    session: Session,
    parsed: ParsedArticle,
    slug: str,
    title: str | None,
    actor: User | None,
    summary: str | None,
) -> ImportResult:
    article = Article(slug=slug, title=title or derive_title(parsed))
    session.add(article)
    session.flush()
    revision = publish_revision(
        session,
        article,
        kind=RevisionKind.IMPORT,
        summary=summary or _site(_l("First published.")),
        actor=actor,
        drafts=_drafts(parsed),
    )
    _add_updates(session, article, revision, parsed.updates, 1, actor)
    session.flush()
    return ImportResult(article, revision, title is None, len(parsed.updates))


def _import_revision(
    session: Session,
    parsed: ParsedArticle,
    slug: str,
    title: str | None,
    actor: User | None,
    summary: str | None,
    confirm_undo: bool,
) -> ImportResult:
    article = lock_article(session, slug)
    existing = list(
        session.scalars(
            select(Update).where(Update.article_id == article.id).order_by(Update.number)
        )
    )
    # Updates are append-only: the file may repeat the ones published and add new ones.
    for old, new in zip(existing, parsed.updates, strict=False):
        if old.body.strip() != new.body.strip():
            raise Invalid(
                _(
                    "Update %(number)s in the file differs from the published one; "
                    "published updates cannot be changed. Add a new update instead.",
                    number=old.number,
                )
            )
    new_updates = parsed.updates[len(existing) :]
    current = read_article(session, slug)
    unchanged = [(s.key, s.heading, s.text) for s in current.sections] == [
        (s.key, s.heading, s.text) for s in parsed.sections
    ]
    if unchanged and not new_updates and (title is None or title == article.title):
        raise Conflict(
            _(
                "Nothing changed since version %(number)s; no revision was made.",
                number=current.revision.number,
            )
        )
    drafts = _drafts(parsed)
    undone = undone_fixes(session, article.id, current.sections, drafts)
    if undone and not confirm_undo:
        raise UndoesCorrection(undone, source="file")
    if title:
        article.title = title
    revision = publish_revision(
        session,
        article,
        kind=RevisionKind.IMPORT,
        summary=summary or _site(_l("Imported a revised text.")),
        actor=actor,
        drafts=drafts,
    )
    session.flush()
    record_undone(session, actor, article, revision, undone)
    _add_updates(session, article, revision, new_updates, len(existing) + 1, actor)
    session.flush()
    return ImportResult(article, revision, False, len(new_updates))


def list_articles(session: Session) -> list[Article]:
    return list(
        session.scalars(
            select(Article).options(joinedload(Article.current_revision)).order_by(Article.title)
        )
    )


def get_article(session: Session, slug: str) -> Article:
    article = session.scalars(
        select(Article).options(joinedload(Article.current_revision)).where(Article.slug == slug)
    ).one_or_none()
    if article is None or article.current_revision is None:
        raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
    return article


def read_article(session: Session, slug: str, number: int | None = None) -> ArticleView:
    """The article as of revision ``number`` (the latest when None)."""
    article = get_article(session, slug)
    latest = article.current_revision
    if latest is None:  # get_article refuses these; this keeps the type checker honest
        raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
    revision = latest
    if number is not None and number != latest.number:
        found = session.scalars(
            select(Revision).where(Revision.article_id == article.id, Revision.number == number)
        ).one_or_none()
        if found is None:
            raise NotFound(
                _("%(title)s has no version %(number)s.", title=repr(article.title), number=number)
            )
        revision = found
    sections = revision_sections(session, revision.id)
    updates = [
        UpdateView(u.number, u.body, u.published_at, rev_number)
        for u, rev_number in session.execute(
            select(Update, Revision.number)
            .join(Revision, Update.revision_id == Revision.id)
            .where(Update.article_id == article.id, Revision.number <= revision.number)
            .order_by(Update.number)
        )
    ]
    return ArticleView(article, revision, latest.number, sections, updates)


def revision_sections(session: Session, revision_id: int) -> list[SectionView]:
    """A revision's sections in order, with their texts (and nothing of its updates)."""
    layout = session.scalars(
        select(RevisionSection)
        .options(joinedload(RevisionSection.section), joinedload(RevisionSection.text))
        .where(RevisionSection.revision_id == revision_id)
        .order_by(RevisionSection.position)
    )
    return [
        SectionView(
            row.section_id, row.section.key, row.text.heading, row.section.kind, row.text.body
        )
        for row in layout
    ]


def article_state(session: Session, slug: str, number: int | None = None) -> ArticleState:
    """The ids of ``read_article(slug, number)``'s article and revision, its latest number and
    minor mark, in one or two small queries: the page's validator, so that a 304 reads no
    layout and no updates (an article may have thousands). Same NotFound as read_article."""
    found = session.execute(
        select(Article.id, Article.title, Revision.id, Revision.number, Revision.is_minor)
        .join(Revision, Revision.id == Article.current_revision_id)
        .where(Article.slug == slug)
    ).one_or_none()
    if found is None:
        raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
    article_id, title, revision_id, latest, is_minor = found
    if number is not None and number != latest:
        wanted = session.execute(
            select(Revision.id, Revision.is_minor).where(
                Revision.article_id == article_id, Revision.number == number
            )
        ).one_or_none()
        if wanted is None:
            raise NotFound(
                _("%(title)s has no version %(number)s.", title=repr(title), number=number)
            )
        revision_id, is_minor = wanted
    return ArticleState(article_id, revision_id, latest, is_minor)


def latest_section_view(
    session: Session, slug: str, key: str
) -> tuple[Article, Revision, SectionView]:
    """One section of the article's latest revision, without reading the others or the
    updates; NotFound as ``read_article`` says it, or when the latest has no such section."""
    article = get_article(session, slug)
    revision = article.current_revision
    if revision is None:  # get_article refuses these; this keeps the type checker honest
        raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
    row = session.execute(
        select(
            RevisionSection.section_id,
            Section.key,
            SectionText.heading,
            Section.kind,
            SectionText.body,
        )
        .join(Section, Section.id == RevisionSection.section_id)
        .join(SectionText, SectionText.id == RevisionSection.text_id)
        .where(RevisionSection.revision_id == revision.id, Section.key == key)
    ).one_or_none()
    if row is None:
        raise NotFound(
            _(
                "%(title)s has no section %(key)s in its latest version.",
                title=repr(article.title),
                key=repr(key),
            )
        )
    return article, revision, SectionView(*row)


def readable_section_view(
    session: Session, slug: str, key: str
) -> tuple[Article, Revision, SectionView]:
    """The section ``key`` as the latest revision has it, or, for a section a later version
    left out, as the last revision that had it: its thread stays readable either way."""
    article = get_article(session, slug)
    row = session.execute(
        select(
            Revision,
            RevisionSection.section_id,
            Section.key,
            SectionText.heading,
            Section.kind,
            SectionText.body,
        )
        .join(RevisionSection, RevisionSection.revision_id == Revision.id)
        .join(Section, Section.id == RevisionSection.section_id)
        .join(SectionText, SectionText.id == RevisionSection.text_id)
        .where(Revision.article_id == article.id, Section.article_id == article.id)
        .where(Section.key == key)
        .order_by(Revision.number.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        raise NotFound(
            _(
                "%(title)s has no section %(key)s in any version.",
                title=repr(article.title),
                key=repr(key),
            )
        )
    revision, *section = row
    return article, revision, SectionView(*section)


def list_revisions(session: Session, slug: str, *, include_minor: bool = True) -> list[Revision]:
    article = get_article(session, slug)
    query = (
        select(Revision)
        .options(joinedload(Revision.created_by))
        .where(Revision.article_id == article.id)
        .order_by(Revision.number.desc())
    )
    if not include_minor:
        query = query.where(Revision.is_minor.is_(False))
    return list(session.scalars(query))
