"""The three journeys end to end, on one server, each step building on the one before:

1. a reader suggests a correction of selected words (two links), comments on another section
   with a quote, replies to a comment and flags it;
2. a moderator accepts the correction with an edited update text (j, a), approves the quoted
   comment, rejects the reply with a reason and bans the author of the flagged comment;
3. the reader comes back: version 2, Update 1, the quoted words marked beside their thread,
   "accepted in Update 1" on the tracking page, the diff from version 1 to 2;
4. the author applies the accepted correction's words, edits a section and publishes
   version 3 with a summary; the history and the Atom feed show it.

Each journey runs three ways (tests/browser/actors.py): with the mouse, with JavaScript off,
and with the keyboard only, where every focus stop must be visible and Tab must come round
each page without being trapped. Dialogs, console errors and page errors fail every step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import feedparser
import pytest
from playwright.sync_api import Browser, Page, expect

from corrections.cli import DEMO_SLUG
from corrections.extensions import db
from corrections.services import comments
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.corrections import submit_correction
from corrections.services.errors import Forbidden
from tests.browser.actors import HOW, NO_SCRIPT, Actor
from tests.browser.helpers import new_page, nothing_ran, select_text, tab_through
from tests.browser.live import LiveServer, serve
from tests.browser.scenes import AUTHOR, MODERATOR

ARTICLE = f"/a/{DEMO_SLUG}"
BO_EMAIL = "bo@example.org"
UPDATE_TEXT = (
    "An earlier version of this article said 412 homes had been evacuated; the council's "
    "count on Wednesday evening was 415."
)


@dataclass
class Journey:
    """What one run of the journeys has made so far, for the steps after it."""

    server: LiveServer
    browser: Browser
    how: str
    bo_comment: int
    other_correction: int
    done: list[str] = field(default_factory=list)
    tracking_url: str = ""
    correction_id: int = 0
    quoted_comment: int = 0
    reply: int = 0
    pages: dict[str, Page] = field(default_factory=dict)

    def after(self, *steps: str) -> None:
        missing = [step for step in steps if step not in self.done]
        if missing:
            pytest.fail(f"this step needs {missing}, which did not finish")

    def actor(self, who: str) -> Actor:
        """The same person (reader, moderator, author) in the same browser every step."""
        if who not in self.pages:
            context = self.browser.new_context(
                viewport={"width": 1280, "height": 900}, java_script_enabled=self.how != NO_SCRIPT
            )
            self.pages[who] = new_page(context)
        return Actor(self.pages[who], self.how)

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def seed(server: LiveServer) -> tuple[int, int]:
    """Another reader's published comment (with an email) and another pending correction."""
    app = server.app
    with app.app_context():
        bo = comments.post_comment(
            db.session,
            slug=DEMO_SLUG,
            section_key="who-was-responsible",
            body="The agency should have raised the wall years ago. Shameful.",
            submitter=Submitter(
                secret=app.config["SECRET_KEY"], name="Bo Bramley", email=BO_EMAIL, network_hash="b"
            ),
            site_mode="post",
        )
        other = submit_correction(
            db.session,
            slug=DEMO_SLUG,
            section_key="what-happened",
            quote=QuoteInput("190 rescues"),
            kind="correction",
            proposed_text="210 rescues",
            explanation="The fire service's Thursday briefing.",
            links=["https://example.org/fire-service-briefing"],
            submitter=Submitter(secret=app.config["SECRET_KEY"], name="Chris", network_hash="c"),
            idempotency_key=None,
        )
        ids = bo.comment.id, other.correction.id
        db.session.remove()
        return ids


@pytest.fixture(scope="module", params=HOW)
def journey(request, browser, tmp_path_factory) -> Iterator[Journey]:
    how = request.param
    with serve(tmp_path_factory.mktemp(f"journey-{how}")) as server:
        bo, other = seed(server)
        journey = Journey(server, browser, how, bo, other)
        try:
            yield journey
        finally:
            journey.close()


def no_trap_on(me: Actor) -> None:
    """With the keyboard only: Tab goes round the whole page and back, every stop visible."""
    if me.keyboard:
        stops = tab_through(me.page)
        hidden = [stop for stop in stops if not (stop["visible"] and stop["onscreen"])]
        assert stops and hidden == []


def sign_in(me: Actor, server: LiveServer, email: str) -> None:
    me.page.goto(server("/signin"))
    me.fill(me.page.get_by_label("Email"), email)
    me.fill(me.page.get_by_label("Password"), server.passwords[email])
    me.click(me.page.get_by_role("button", name="Sign in"))
    expect(me.page.get_by_role("button", name="Sign out")).to_be_visible()


def comment_id(locator) -> int:
    return int(locator.get_attribute("id").removeprefix("c-"))


def test_1_a_reader_suggests_a_correction_comments_with_a_quote_replies_and_flags(journey):
    me, server = journey.actor("reader"), journey.server
    page = me.page
    page.goto(server(ARTICLE))
    no_trap_on(me)
    intro = page.locator("#s-introduction")
    if me.keyboard or not me.scripts:
        # No selection to offer a toolbar: the section's link, and the words typed.
        me.click(intro.get_by_role("link", name="Suggest a correction"))
        no_trap_on(me)
        me.fill(page.get_by_label("The words that are wrong"), "412 homes")
    else:
        select_text(page, "introduction", "412 homes")
        toolbar = page.get_by_role("toolbar", name="Selected words")
        toolbar.get_by_role("button", name="Suggest a correction").click()
        expect(page.get_by_label("The words that are wrong")).to_have_value("412 homes")
        assert page.locator("[name=quote_suffix]").input_value().startswith(" had been evacuated")
    me.check(page.get_by_label("A correction: a fact is wrong"))
    me.fill(page.get_by_label("What it should say"), "415 homes")
    me.fill(page.get_by_label("Why (optional)"), "The council's count on Wednesday evening.")
    me.fill(page.get_by_label("Source link 1"), "https://example.org/council-figures")
    me.fill(page.get_by_label("Source link 2"), "example.net/fire-service")
    me.fill(page.get_by_label("Your name"), "Ann Reader")
    me.click(page.get_by_role("button", name="Send the correction"))

    expect(page).to_have_url(re.compile(r"/c/[\w-]+$"))
    journey.tracking_url = page.url
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page.locator(".correction-status")).to_contain_text("Pending review.")
    links = page.locator(".correction-links a")
    expect(links).to_have_text(
        ["https://example.org/council-figures", "https://example.net/fire-service"]
    )
    no_trap_on(me)

    # A comment on another section, quoting its words.
    page.goto(server(ARTICLE))
    section = page.locator("#s-what-happened")
    if me.scripts and not me.keyboard:
        select_text(page, "what-happened", "118 millimetres of rain")
        page.get_by_role("toolbar", name="Selected words").get_by_role(
            "button", name="Comment on this"
        ).click()
        expect(section.get_by_label(re.compile("^Words you are quoting"))).to_have_value(
            "118 millimetres of rain"
        )
    else:
        me.click(section.get_by_text("Comment on this section"))
        me.fill(
            section.get_by_label(re.compile("^Words you are quoting")), "118 millimetres of rain"
        )
    me.fill(section.get_by_label("Your name"), "Ann Reader")
    me.fill(
        section.get_by_label("Your comment", exact=True),
        "The Met Office gives **121 mm** for the valley gauge.",
    )
    me.click(section.get_by_role("button", name="Post comment"))
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    mine = page.locator("#s-what-happened .comment--pending")
    expect(mine.locator(".comment-quote")).to_contain_text("118 millimetres of rain")
    expect(mine.locator(".comment-body strong")).to_have_text("121 mm")
    journey.quoted_comment = comment_id(mine)

    # A reply to another reader's comment: in place with JavaScript, on its own page without.
    bo = page.locator(f"#c-{journey.bo_comment}")
    me.click(bo.get_by_role("link", name="Reply"))
    if me.scripts:
        form = page.locator("#s-who-was-responsible")
        expect(form.locator("summary")).to_have_text("Reply to Bo Bramley")
        expect(form.get_by_label("Your comment", exact=True)).to_be_focused()
    else:
        expect(page).to_have_url(re.compile(rf"/reply/{journey.bo_comment}$"))
        form = page.locator("main")
    me.fill(form.get_by_label("Your name"), "Ann Reader")
    me.fill(form.get_by_label(re.compile("^Your (comment|reply)$")), "Anyone know a plumber?")
    me.click(form.get_by_role("button", name=re.compile("^Post")))
    expect(page.get_by_text("Your comment is awaiting moderation")).to_be_visible()
    reply = page.locator("#s-who-was-responsible .comment--pending")
    expect(reply).to_have_class(re.compile("comment--indent-1"))  # under the comment it answers
    assert reply.evaluate("el => el.previousElementSibling.id") == f"c-{journey.bo_comment}"
    journey.reply = comment_id(reply)

    # Flagging that comment.
    me.click(page.locator(f"#c-{journey.bo_comment}").get_by_role("link", name="Flag"))
    no_trap_on(me)
    me.check(page.get_by_label("Abusive or hateful"))
    me.fill(
        page.get_by_label(re.compile("^Anything the moderators")),
        "It names no one but it is nasty.",
    )
    me.click(page.get_by_role("button", name="Send to the moderators"))
    expect(page.get_by_text("Thank you. The moderators will look at this comment.")).to_be_visible()
    assert nothing_ran(page) == {}
    journey.done.append("reader")


def test_2_a_moderator_accepts_rejects_a_comment_and_bans_its_author(journey):
    journey.after("reader")
    me, server = journey.actor("moderator"), journey.server
    page = me.page
    sign_in(me, server, MODERATOR)
    page.goto(server("/moderate"))
    mine = page.locator(".mq-item", has_text="from Ann Reader")
    journey.correction_id = int(mine.get_attribute("id").removeprefix("q-k-"))
    if me.scripts:
        if me.keyboard:  # the list of keys opens with ? and closes with Escape
            page.keyboard.press("?")
            expect(page.locator("#keys-dialog")).to_be_visible()
            page.keyboard.press("Escape")
            expect(page.locator("#keys-dialog")).to_be_hidden()
        page.keyboard.press("j")
        expect(page.locator(f"#q-k-{journey.other_correction}")).to_be_focused()
        page.keyboard.press("j")
        expect(mine).to_be_focused()
        expect(mine).to_have_attribute("aria-current", "true")
        page.keyboard.press("a")
        expect(page).to_have_url(re.compile(rf"/moderate/corrections/{journey.correction_id}#"))
        expect(page.locator("#update_text")).to_be_focused()
    else:
        no_trap_on(me)
        me.click(mine.get_by_role("link", name=re.compile("^Open the correction")))
    text = page.get_by_label(re.compile("^Text of the update"))
    expect(text).to_have_value(re.compile("412 homes"))  # prefilled from the quote
    me.fill(text, UPDATE_TEXT)
    no_trap_on(me)
    me.click(page.get_by_role("button", name="Accept and publish"))
    expect(page.get_by_text("Accepted: Update 1 is published in version 2.")).to_be_visible()

    # The comments: the quoted one approved, the reply rejected with a reason.
    page.goto(server("/moderate?tab=comments"))
    quoted = page.locator(f"#q-c-{journey.quoted_comment}")
    me.click(quoted.get_by_role("button", name=f"Approve comment #{journey.quoted_comment}"))
    expect(page.get_by_text(f"Comment #{journey.quoted_comment} approved.")).to_be_visible()
    reject = page.locator(f"#q-c-{journey.reply} form[data-action=reject]")
    me.choose(reject.get_by_label("Reason"), "Off topic")
    me.fill(reject.get_by_label(re.compile("^Note")), "Please keep to the flood.")
    me.click(reject.get_by_role("button", name=f"Reject comment #{journey.reply}"))
    expect(page.get_by_text(f"Comment #{journey.reply} rejected.")).to_be_visible()

    # The flagged comment's author is banned by email.
    page.goto(server("/moderate?tab=flagged"))
    flagged = page.locator(f"#q-c-{journey.bo_comment}")
    expect(flagged.locator(".mq-flags")).to_contain_text("It names no one but it is nasty.")
    me.click(flagged.get_by_text("All from this author, bans"))
    me.click(flagged.get_by_role("link", name="this email"))
    no_trap_on(me)
    expect(page.get_by_label(re.compile("^This email address"))).to_be_checked()
    me.choose(page.get_by_label("For how long"), "30 days")
    me.fill(page.get_by_label("Reason (kept in the log)"), "Abusive comments")
    me.click(page.get_by_role("button", name="Ban", exact=True))
    expect(page.get_by_text(re.compile(r"^Banned .*\(30 days\)\."))).to_be_visible()
    with server.app.app_context(), pytest.raises(Forbidden):
        comments.post_comment(
            db.session,
            slug=DEMO_SLUG,
            section_key="what-now",
            body="Trying again.",
            submitter=Submitter(secret=server.app.config["SECRET_KEY"], name="B", email=BO_EMAIL),
            site_mode="post",
        )
    assert nothing_ran(page) == {}
    journey.done.append("moderator")


def test_3_the_reader_sees_version_2_the_update_the_marked_quote_and_the_diff(journey):
    journey.after("reader", "moderator")
    me, server = journey.actor("reader"), journey.server
    page = me.page
    page.goto(server(ARTICLE))
    page.reload()
    banner = page.locator(".version-banner")
    expect(banner).to_contain_text("Version 2")
    expect(page.locator("#update-1")).to_contain_text("Update 1")
    expect(page.locator("#update-1")).to_contain_text(UPDATE_TEXT)

    # The quoted words are marked, and the comment and its words point at each other.
    comment = page.locator(f"#c-{journey.quoted_comment}")
    expect(comment).not_to_have_class(re.compile("comment--pending"))
    link = comment.get_by_role("link", name="The words it quotes")
    mark_id = link.get_attribute("href").removeprefix("#")
    assert re.fullmatch(r"q-\d+", mark_id)
    mark = page.locator(f"#s-what-happened mark#{mark_id}")
    expect(mark).to_have_text("118 millimetres of rain")
    me.click(link)
    expect(page).to_have_url(re.compile(rf"#{mark_id}$"))
    assert page.evaluate("document.querySelector(':target').id") == mark_id
    # Rejected: the reply is gone from the thread.
    expect(page.locator(f"#c-{journey.reply}")).to_have_count(0)

    page.goto(journey.tracking_url)
    status = page.locator(".correction-status")
    expect(status).to_contain_text("Accepted in Update 1 of version 2.")
    no_trap_on(me)
    me.click(status.get_by_role("link", name="Update 1"))
    expect(page).to_have_url(re.compile(r"#update-1$"))

    me.click(page.locator(".version-banner").get_by_role("link", name="see what changed"))
    expect(page).to_have_url(re.compile(r"/diff/1\.\.2$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "What changed from version 1 to version 2"
    )
    expect(page.locator("ins", has_text="415")).to_have_count(1)
    no_trap_on(me)
    assert nothing_ran(page) == {}
    journey.done.append("reader again")


def test_4_the_author_applies_the_suggested_edit_and_publishes_version_3(journey):
    journey.after("moderator")
    me, server = journey.actor("author"), journey.server
    page = me.page
    sign_in(me, server, AUTHOR)
    page.goto(server(f"/author/{DEMO_SLUG}"))
    suggestion = page.locator(".editor-suggestions li", has_text="412 homes")
    expect(suggestion).to_contain_text("415 homes")
    me.click(suggestion.get_by_role("button", name="Apply"))
    expect(page.locator(".editor-suggestions")).to_contain_text(
        "Applied in your draft; it is published with it."
    )
    expect(page.locator("#text-0")).to_have_value(re.compile("415 homes had been evacuated"))

    what_now = page.locator("fieldset", has_text="WHAT NOW?").get_by_label(re.compile("^Text"))
    before = what_now.input_value()
    me.fill(what_now, before + "\n\nPower was back in every home by Friday night.")
    if me.scripts:  # autosave: publishing must carry the latest saved version of the draft
        expect(page.locator("#editor-status")).to_have_text(re.compile("^Saved"))
    me.fill(page.locator("#summary"), "Power restored everywhere; 415 homes, as in Update 1")
    no_trap_on(me)
    me.click(page.get_by_role("button", name="Publish version 3"))
    expect(page.get_by_text(re.compile("Version 3 is published"))).to_be_visible()

    page.goto(server(f"{ARTICLE}/history"))
    row = page.locator("tr", has_text="Version 3")
    expect(row).to_contain_text("Power restored everywhere; 415 homes, as in Update 1")
    expect(row).to_contain_text("latest")
    no_trap_on(me)
    feed = feedparser.parse(page.request.get(server(f"{ARTICLE}/updates.atom")).text())
    titles = [entry.title for entry in feed.entries]
    assert "Version 3: Power restored everywhere; 415 homes, as in Update 1" in titles, titles

    page.goto(server(ARTICLE))
    expect(page.locator(".version-banner")).to_contain_text("Version 3")
    expect(page.locator("#s-introduction")).to_contain_text("415 homes had been evacuated")
    expect(page.locator("#s-what-now")).to_contain_text("Power was back in every home")
    assert nothing_ran(page) == {}
    journey.done.append("author")
