"""A realistic state of the demo article, made through the services: a few comments with quotes
and replies, one held for moderation and one flagged, a pending correction, and an accepted one
(so there is version 2 with Update 1, and a comment whose quoted words it replaced: that
quote is orphaned, about an earlier version).

Used by the accessibility audits and by ``make screenshots`` (tests/browser/screenshots.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from corrections.cli import DEMO_SLUG
from corrections.extensions import db
from corrections.services import comments, decisions, users
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.corrections import submit_correction

MODERATOR = "moderator@demo.invalid"
AUTHOR = "author@demo.invalid"


@dataclass(frozen=True)
class Scene:
    """The ids the pages of a scene are found by."""

    pending_correction: int  # its moderator's page: /moderate/corrections/<id>
    pending_public_id: str
    pending_token: str  # its tracking page: /c/<public_id>?token=<token>
    accepted_correction: int
    accepted_public_id: str
    accepted_token: str
    quoted_comment: int  # a published comment with a quote and a reply
    held_comment: int  # pending: seen by moderators in the queue


def _person(app: Flask, name: str, network: str) -> Submitter:
    return Submitter(secret=app.config["SECRET_KEY"], name=name, network_hash=network)


def _comment(app: Flask, key: str, body: str, who: Submitter, **more) -> int:
    result = comments.post_comment(
        db.session,
        slug=DEMO_SLUG,
        section_key=key,
        body=body,
        submitter=who,
        site_mode=more.pop("site_mode", "post"),
        **more,
    )
    return result.comment.id


def _correction(app: Flask, key: str, quote: str, proposed: str, why: str, links, who):
    return submit_correction(
        db.session,
        slug=DEMO_SLUG,
        section_key=key,
        quote=QuoteInput(quote),
        kind="correction",
        proposed_text=proposed,
        explanation=why,
        links=links,
        submitter=who,
        idempotency_key=None,
    )


def build(app: Flask) -> Scene:
    """Make the scene in the app's database (which holds the demo article and accounts)."""
    with app.app_context():
        priya = _person(app, "Priya Natarajan", "net-priya")
        tom = _person(app, "Tom Hale", "net-tom")
        dana = _person(app, "Dana Whitfield", "net-dana")
        rain = _comment(
            app,
            "what-happened",
            "The Met Office's own summary gives **121 mm** for the same 24 hours. "
            "Which gauge is this?",
            priya,
            quote=QuoteInput("118 millimetres of rain"),
        )
        _comment(
            app,
            "what-happened",
            "Ashcombe Moor is the upland gauge; 121 mm is the valley one. Both are in the "
            "[Met Office blog post](https://example.org/met-office-ashcombe).",
            tom,
            parent_id=rain,
        )
        _comment(
            app,
            "introduction",
            "My street was evacuated on Tuesday night. The council's figure this morning was "
            "higher than this.",
            dana,
            quote=QuoteInput("3 people were confirmed dead"),
        )
        flagged = _comment(
            app,
            "who-was-responsible",
            "The agency knew about the wall for years. Someone should be answering for this.",
            _person(app, "Rob Ellis", "net-rob"),
        )
        comments.flag_comment(
            db.session, flagged, reason="abusive", note="Blames people by name.", reporter_key="r1"
        )
        held = _comment(
            app,
            "what-now",
            "Is there a list of the streets where power is still off?",
            _person(app, "Sam Okafor", "net-sam"),
            site_mode="pre",
        )
        accepted = _correction(
            app,
            "introduction",
            "3 people were confirmed dead",
            "4 people had died",
            "The county coroner confirmed a fourth death on Wednesday afternoon.",
            ["https://example.org/coroner-statement", "https://example.net/ashcombe-live"],
            dana,
        )
        moderator = users.find_user(db.session, MODERATOR)
        decisions.accept(
            db.session,
            moderator,
            accepted.correction.id,
            update_text=(
                "An earlier version of this article said 3 people had died. The county coroner "
                "confirmed a fourth death on Wednesday afternoon."
            ),
            apply_text=True,
            expected_version=accepted.correction.version,
        )
        pending = _correction(
            app,
            "what-happened",
            "190 rescues",
            "210 rescues",
            "The fire service's Thursday briefing gives 210 boat rescues across the night.",
            ["https://example.org/fire-service-briefing"],
            priya,
        )
        scene = Scene(
            pending_correction=pending.correction.id,
            pending_public_id=pending.correction.public_id,
            pending_token=pending.tracking_token or "",
            accepted_correction=accepted.correction.id,
            accepted_public_id=accepted.correction.public_id,
            accepted_token=accepted.tracking_token or "",
            quoted_comment=rain,
            held_comment=held,
        )
        db.session.remove()
        return scene
