"""The author's editor: who may use it, and every button working without JavaScript."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from corrections.models import AnchorState, ModerationAction, Revision, RevisionKind, Role
from corrections.services import decisions
from corrections.services.articles import read_article
from corrections.text.article_format import MAX_FILE_BYTES
from tests.forms import hidden_fields

EDITOR = "/author/demo"


class _EditorForm(HTMLParser):
    """Every field of the editor form, as a browser would send it (without a button)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._inside = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = a.get("id") == "editor-form"
        elif self._inside and tag == "input" and a.get("type") not in ("submit", "file"):
            self.fields[a["name"]] = a.get("value", "")
        elif self._inside and tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False


def editor_fields(html: str) -> dict[str, str]:
    parser = _EditorForm()
    parser.feed(html)
    parser.close()
    assert parser.fields, "no editor form in the page"
    return parser.fields


def field_for(fields: dict[str, str], key: str, part: str) -> str:
    index = next(n for n, v in fields.items() if n.endswith("-key") and v == key).split("-")[1]
    return f"sections-{index}-{part}"


@pytest.fixture
def author_client(client, make_user, login, demo_article):
    make_user("author@example.org", Role.AUTHOR)
    login(client, "author@example.org")
    return client


def submit(client, changes=None, op="save", html=None):
    html = html or client.get(EDITOR).get_data(as_text=True)
    fields = editor_fields(html)
    for (key, part), value in (changes or {}).items():
        fields[field_for(fields, key, part) if key else part] = value
    return client.post(EDITOR, data={**fields, "op": op})


def page(client, path=EDITOR):
    return client.get(path).get_data(as_text=True)


def revisions(session):
    return session.scalar(select(func.count()).select_from(Revision))


# Who may ------------------------------------------------------------------------------------


ROUTES = [
    ("get", EDITOR),
    ("get", f"{EDITOR}/preview"),
    ("post", EDITOR),
    ("post", f"{EDITOR}/autosave"),
    ("post", f"{EDITOR}/rebase"),
    ("post", f"{EDITOR}/discard"),
    ("post", f"{EDITOR}/revisions/1/minor"),
    ("post", f"{EDITOR}/upload"),
    ("post", f"{EDITOR}/moderation"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in(client, demo_article, method, path):
    response = getattr(client, method)(path)
    if method == "post":  # CSRF is checked first: no token, no entry
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == 302 and "/signin" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_readers_and_moderators_are_refused(
    client, make_user, login, csrf_token, demo_article, role, method, path
):
    make_user("user@example.org", role)
    login(client, "user@example.org")
    data = {"csrf_token": csrf_token(client, "/account")} if method == "post" else None
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_authors_and_admins_get_the_editor(client, make_user, login, demo_article, role):
    make_user("writer@example.org", role)
    login(client, "writer@example.org")
    response = client.get(EDITOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Publish version 2" in html and 'id="e-what-happened"' in html
    assert "412 homes had been evacuated" in html
    assert client.get(f"{EDITOR}/preview").status_code == 200


def test_the_article_page_links_to_the_editor_for_authors_only(
    app, make_user, login, author_client
):
    assert f'href="{EDITOR}">Edit</a>' in page(author_client, "/a/demo")
    reader = app.test_client()
    make_user("reader@example.org", Role.READER)
    login(reader, "reader@example.org")
    assert ">Edit</a>" not in page(reader, "/a/demo")
    assert ">Edit</a>" not in page(app.test_client(), "/a/demo")


def test_the_editor_loads_its_script_and_has_no_inline_script(author_client):
    response = author_client.get(EDITOR)
    html = response.get_data(as_text=True)
    assert '<script src="/static/editor.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_form_without_its_csrf_token_is_refused(author_client, session):
    fields = editor_fields(page(author_client))
    del fields["csrf_token"]
    assert author_client.post(EDITOR, data={**fields, "op": "publish"}).status_code == 400
    assert revisions(session) == 1


# Editing without JavaScript --------------------------------------------------------------------


def test_saving_keeps_the_typed_text_in_the_draft_only(author_client, session):
    response = submit(author_client, {("introduction", "text"): "A new start."})
    assert response.status_code == 303
    html = page(author_client, response.headers["Location"])
    assert "Draft saved." in html and ">A new start.</textarea>" in html
    assert read_article(session, "demo").sections[0].text.startswith("Heavy rain")


def test_adding_a_section_redirects_to_it(author_client):
    response = submit(author_client, op="add:1")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#e-new-section")
    html = page(author_client)
    assert 'value="NEW SECTION"' in html and 'id="e-new-section"' in html


def test_moving_and_removing_sections(author_client):
    submit(author_client, op="down:1")
    fields = editor_fields(page(author_client))
    assert fields["sections-1-key"] == "who-was-responsible"
    assert fields["sections-2-key"] == "what-happened"
    response = submit(author_client, op="remove:2")
    assert response.headers["Location"].endswith("#e-who-was-responsible")
    assert "what-happened" not in editor_fields(page(author_client)).values()


def test_an_empty_heading_is_refused_and_what_was_typed_is_kept(author_client):
    response = submit(
        author_client, {("what-happened", "heading"): "", ("what-happened", "text"): "Kept words."}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Section 2 needs a heading" in html and ">Kept words.</textarea>" in html
    assert 'name="sections-1-heading" value="" maxlength="200" autocomplete="off" aria-inv' in html


def test_publishing_through_the_form_makes_version_two(author_client, session):
    response = submit(
        author_client,
        {("introduction", "text"): "Rewritten.", (None, "summary"): "Rewrote the introduction"},
        op="publish",
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/a/demo")
    view = read_article(session, "demo")
    assert view.revision.number == 2 and view.revision.kind == RevisionKind.EDIT
    assert view.revision.summary == "Rewrote the introduction"
    assert view.sections[0].text == "Rewritten."
    assert "Version 2 is published." in page(author_client, "/a/demo")


def test_publishing_without_a_summary_is_refused_and_the_draft_kept(author_client, session):
    response = submit(author_client, {("introduction", "text"): "Rewritten."}, op="publish")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Say in a few words what changed" in html
    assert ">Rewritten.</textarea>" in html and revisions(session) == 1


def test_the_preview_shows_the_draft_marked_not_published(author_client):
    response = submit(author_client, {("introduction", "text"): "Only a draft."}, op="preview")
    assert response.headers["Location"].endswith(f"{EDITOR}/preview")
    html = page(author_client, f"{EDITOR}/preview")
    assert "Preview — not published" in html and "<p>Only a draft.</p>" in html
    assert "Only a draft." not in page(author_client, "/a/demo")


def test_discarding_the_draft(author_client, session):
    submit(author_client, {("introduction", "text"): "Scrap this."})
    fields = hidden_fields(page(author_client), f"{EDITOR}/discard")
    assert author_client.post(f"{EDITOR}/discard", data=fields).status_code == 303
    assert "Scrap this." not in page(author_client)


# Hostile or stale buttons -----------------------------------------------------------------------

HUGE = "99999999999999999999"  # beyond 64 bits
BAD_VERSIONS = ["²", "", "-1", "1.5", HUGE, str(2**63), str(2**31)]


@pytest.mark.parametrize("version", BAD_VERSIONS)
@pytest.mark.parametrize("op", ["save", "publish", "add:0"])
def test_a_version_that_is_no_draft_version_is_refused_with_a_message(
    author_client, session, version, op
):
    fields = editor_fields(page(author_client))
    fields[field_for(fields, "introduction", "text")] = "Typed."
    fields["version"] = version
    response = author_client.post(EDITOR, data={**fields, "op": op})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "missing the draft&#39;s version" in html and ">Typed.</textarea>" in html
    assert revisions(session) == 1


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_autosave_refuses_a_version_that_is_no_draft_version_as_json(author_client, version):
    fields = editor_fields(page(author_client))
    fields["version"] = version
    response = author_client.post(f"{EDITOR}/autosave", data=fields)
    assert response.status_code == 422
    assert "missing the draft's version" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_rebase_refuses_a_version_that_is_no_draft_version(author_client, version):
    fields = hidden_fields(page(author_client), f"{EDITOR}/discard")  # a CSRF token
    response = author_client.post(f"{EDITOR}/rebase", data={**fields, "version": version})
    assert response.status_code == 422
    assert "missing the draft&#39;s version" in response.get_data(as_text=True)


def test_rebase_without_a_draft_is_answered_with_a_message(author_client, session):
    fields = hidden_fields(page(author_client), f"{EDITOR}/discard")
    author_client.post(f"{EDITOR}/discard", data=fields)  # the draft is gone
    response = author_client.post(f"{EDITOR}/rebase", data={**fields, "version": "1"})
    assert response.status_code == 404
    assert "You have no draft of this article open" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "op",
    [
        "apply:²",
        f"apply:{HUGE}",
        f"apply:{2**63}",
        f"apply:{2**31}",
        "apply",
        "apply:",
        f"up:{HUGE}",
        "remove:²",
        "explode",
        "explode:1",
        "publish:1",
        "save:",
    ],
)
def test_an_unknown_or_malformed_button_is_refused_and_nothing_is_saved(author_client, session, op):
    fields = editor_fields(page(author_client))
    fields[field_for(fields, "introduction", "text")] = "Typed, not saved."
    response = author_client.post(EDITOR, data={**fields, "op": op})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "That button is not known; reload the editor." in html
    assert ">Typed, not saved.</textarea>" in html  # shown again, to be saved another way
    assert "Typed, not saved." not in page(author_client)  # but not saved
    assert revisions(session) == 1


def test_applying_a_correction_that_does_not_exist_is_not_found(author_client):
    response = submit(author_client, op="apply:12345")
    assert response.status_code == 404
    assert "There is no such correction of this article." in response.get_data(as_text=True)


# Autosave ---------------------------------------------------------------------------------------


def test_autosave_answers_the_new_version_and_refuses_a_stale_one(author_client):
    fields = editor_fields(page(author_client))
    fields[field_for(fields, "introduction", "text")] = "Typed."
    fields[field_for(fields, "what-happened", "heading")] = "WHAT WE SAW"
    saved = author_client.post(f"{EDITOR}/autosave", data=fields)
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["version"] == 2 and body["keys"][1] == "what-happened"
    stale = author_client.post(f"{EDITOR}/autosave", data=fields)  # still version 1
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "conflict"
    assert "another tab" in stale.get_json()["error"]["message"]


def test_autosave_reports_a_refused_draft_as_json(author_client):
    fields = editor_fields(page(author_client))
    fields[field_for(fields, "what-happened", "heading")] = ""
    refused = author_client.post(f"{EDITOR}/autosave", data=fields)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "sections-1-heading": ["Section 2 needs a heading; only the first section may go without."]
    }


# Someone published meanwhile ----------------------------------------------------------------------


def page_intro(session, old, new):
    text = read_article(session, "demo").sections[0].text
    assert old in text
    return text.replace(old, new)


def accept(session, make_user, make_correction, apply_text=True):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes.",
        apply_text=apply_text,
        expected_version=correction.version,
    )
    return correction


def test_the_conflict_screen_shows_what_changed_and_rebasing_lets_the_author_publish(
    author_client, session, make_user, make_correction
):
    submit(author_client, {("what-happened", "text"): "Rewritten by the author."})
    accept(session, make_user, make_correction)

    refused = submit(author_client, {(None, "summary"): "Rewrote it"}, op="publish")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Version 2 was published after your draft started from version 1" in html
    assert "<del>412</del><ins>415</ins>" in html
    assert "Take the newer text where I made no change" in html
    assert revisions(session) == 2

    fields = hidden_fields(html, f"{EDITOR}/rebase")
    rebased = author_client.post(f"{EDITOR}/rebase", data=fields)
    assert rebased.status_code == 303
    html = page(author_client)
    assert "Took the newer text of: Introduction." in html
    assert "415 homes" in html and "Rewritten by the author." in html
    assert "was published after your draft started" not in html

    published = submit(author_client, {(None, "summary"): "Rewrote it"}, op="publish", html=html)
    assert published.status_code == 303
    view = read_article(session, "demo")
    assert view.revision.number == 3 and "415 homes" in view.sections[0].text
    assert view.sections[1].text == "Rewritten by the author."


def test_rebasing_keeps_both_changes_to_one_section_and_the_accepted_fix_stays(
    author_client, session, make_user, make_correction
):
    submit(author_client, {("introduction", "text"): page_intro(session, "3 people", "4 people")})
    accept(session, make_user, make_correction)  # 412 -> 415 with the text applied
    html = page(author_client)
    rebased = author_client.post(f"{EDITOR}/rebase", data=hidden_fields(html, f"{EDITOR}/rebase"))
    assert rebased.status_code == 303
    html = page(author_client)
    assert "Kept your changes and the newer ones, word by word, in: Introduction." in html
    assert "Please check" not in html
    published = submit(author_client, {(None, "summary"): "Toll"}, op="publish", html=html)
    assert published.status_code == 303
    intro = read_article(session, "demo").sections[0].text
    assert "415 homes" in intro and "4 people" in intro


def test_words_changed_on_both_sides_stay_listed_until_checked_and_undoing_the_fix_asks_first(
    author_client, session, make_user, make_correction
):
    submit(
        author_client,
        {("introduction", "text"): page_intro(session, "412 homes", "about 400 homes")},
    )
    correction = accept(session, make_user, make_correction)
    author_client.post(
        f"{EDITOR}/rebase", data=hidden_fields(page(author_client), f"{EDITOR}/rebase")
    )
    html = page(author_client)
    assert "Please check Introduction" in html  # the message, once
    html = page(author_client)  # and the list, until checked
    assert 'id="look-introduction"' in html
    assert "you and version 2 changed the same words; your words were kept." in html
    assert "<dd><ins>about 400</ins></dd>" in html and "<dd><ins>415</ins></dd>" in html

    refused = submit(author_client, {(None, "summary"): "Rounded"}, op="publish", html=html)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Publishing this draft would undo an accepted correction: Update 1 changed" in text
    assert 'name="confirm_undo" value="1"' in text and revisions(session) == 2

    fields = editor_fields(text)
    confirmed = author_client.post(
        EDITOR, data={**fields, "summary": "Rounded", "confirm_undo": "1", "op": "publish"}
    )
    assert confirmed.status_code == 303 and revisions(session) == 3
    session.expire_all()
    assert session.get(type(correction), correction.id).status.value == "accepted"


def test_the_checked_button_drops_the_note_and_keeps_what_was_typed(
    author_client, session, make_user, make_correction
):
    submit(
        author_client,
        {("introduction", "text"): page_intro(session, "412 homes", "about 400 homes")},
    )
    accept(session, make_user, make_correction)
    author_client.post(
        f"{EDITOR}/rebase", data=hidden_fields(page(author_client), f"{EDITOR}/rebase")
    )
    fields = editor_fields(page(author_client))
    fields[field_for(fields, "what-happened", "text")] = "Typed before checking."
    response = author_client.post(EDITOR, data={**fields, "checked": "introduction"})
    assert response.status_code == 303
    html = page(author_client)
    assert "that section is no longer listed for a look" in html
    assert 'id="look-introduction"' not in html and ">Typed before checking.</textarea>" in html


def test_a_suggested_edit_is_applied_with_its_button_and_published(
    author_client, session, make_user, make_correction
):
    correction = accept(session, make_user, make_correction, apply_text=False)
    html = page(author_client)
    assert "<del>412 homes</del>" in html and f'value="apply:{correction.id}"' in html

    applied = submit(author_client, op=f"apply:{correction.id}", html=html)
    assert applied.status_code == 303
    html = page(author_client)
    assert "Applied in your draft" in html and "415 homes had been evacuated" in html

    submit(author_client, {(None, "summary"): "Applied a correction"}, op="publish", html=html)
    session.expire_all()
    assert "415 homes" in read_article(session, "demo").sections[0].text
    assert correction.text_applied and correction.anchor.state == AnchorState.APPLIED


# Versions and uploads -----------------------------------------------------------------------------


def test_marking_a_version_minor_and_back(author_client, session):
    html = page(author_client)
    fields = hidden_fields(html, f"{EDITOR}/revisions/1/minor")
    assert fields["minor"] == "1"
    response = author_client.post(f"{EDITOR}/revisions/1/minor", data=fields)
    assert response.status_code == 303 and response.headers["Location"].endswith("#revisions")
    html = page(author_client)
    assert "Version 1 is marked minor" in html
    fields = hidden_fields(html, f"{EDITOR}/revisions/1/minor")
    assert fields["minor"] == "0"
    author_client.post(f"{EDITOR}/revisions/1/minor", data=fields)
    assert not session.get(Revision, 1).is_minor
    logged = session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert logged == ["mark_minor", "unmark_minor"]


def test_a_version_that_published_an_update_has_no_minor_button_and_is_refused(
    author_client, session, make_user, make_correction
):
    accept(session, make_user, make_correction)  # version 2 published Update 1
    html = page(author_client)
    assert "Listed: it published Update 1" in html
    assert f'action="{EDITOR}/revisions/2/minor"' not in html
    fields = hidden_fields(html, f"{EDITOR}/revisions/1/minor")
    refused = author_client.post(f"{EDITOR}/revisions/2/minor", data={**fields, "minor": "1"})
    assert refused.status_code == 422
    assert "Version 2 published Update 1" in refused.get_data(as_text=True)
    session.expire_all()
    assert not session.get(Revision, 2).is_minor


def test_marking_a_version_that_does_not_exist_is_not_found(author_client):
    fields = hidden_fields(page(author_client), f"{EDITOR}/revisions/1/minor")
    response = author_client.post(f"{EDITOR}/revisions/9/minor", data=fields)
    assert response.status_code == 404
    assert "This article has no version 9." in response.get_data(as_text=True)


def upload(client, data: bytes, name="article.txt", summary="From a file"):
    fields = hidden_fields(page(client), f"{EDITOR}/upload")
    # Encoded in memory: the test client would spool a body over 500 kB to a temporary file
    # it never closes (a ResourceWarning, which the suite treats as an error).
    boundary, body = encode_multipart(
        MultiDict({**fields, "summary": summary, "file": FileStorage(io.BytesIO(data), name)})
    )
    return client.post(
        f"{EDITOR}/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def test_uploading_a_file_publishes_the_next_version(author_client, session, demo_text):
    response = upload(author_client, demo_text.replace("412 homes", "415 homes").encode())
    assert response.status_code == 303
    assert "Version 2 is published from article.txt." in page(author_client, "/a/demo")
    view = read_article(session, "demo")
    assert view.revision.summary == "From a file" and "415 homes" in view.sections[0].text


def test_a_file_that_would_undo_an_accepted_fix_asks_first(
    author_client, session, make_user, make_correction, demo_text
):
    accept(session, make_user, make_correction)  # "412 homes" became "415 homes" in version 2
    refused = upload(author_client, demo_text.encode())
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and revisions(session) == 2
    assert "Publishing this file would undo an accepted correction" in html
    assert 'id="upload-confirm-undo" name="confirm_undo"' in html
    fields = hidden_fields(html, f"{EDITOR}/upload")
    boundary, body = encode_multipart(
        MultiDict(
            {
                **fields,
                "summary": "Back to the file",
                "confirm_undo": "y",
                "file": FileStorage(io.BytesIO(demo_text.encode()), "article.txt"),
            }
        )
    )
    confirmed = author_client.post(
        f"{EDITOR}/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert confirmed.status_code == 303 and revisions(session) == 3
    assert "412 homes" in read_article(session, "demo").sections[0].text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"caf\xe9 au lait", "The file is not UTF-8 text (byte 3 cannot be decoded)."),
        (b"", "The file is empty."),
        (b"a" * (MAX_FILE_BYTES + 1), "The file is over the limit of 1,000,000 bytes"),
    ],
)
def test_a_bad_file_gets_a_one_line_error_and_writes_nothing(author_client, session, data, message):
    response = upload(author_client, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="form-error" role="alert" id="upload-error">([^<]*)</p>', html)
    assert error and message in error.group(1) and "\n" not in error.group(1)
    assert revisions(session) == 1


def test_an_unchanged_file_says_so(author_client, session, demo_text):
    response = upload(author_client, demo_text.encode())
    assert response.status_code == 409
    assert "Nothing changed since version 1" in response.get_data(as_text=True)
    assert revisions(session) == 1


def test_a_draft_started_before_an_upload_shows_the_conflict(author_client, session, demo_text):
    submit(author_client, {("introduction", "text"): "Mine."})
    upload(author_client, demo_text.replace("WHAT NOW?", "WHAT NEXT?").encode())
    html = page(author_client)
    assert "Version 2 was published after your draft started from version 1" in html
    assert "WHAT NEXT?" in html and "Take the newer text where I made no change" in html


# The article's moderation mode -------------------------------------------------------------------


def set_mode(client, mode):
    fields = hidden_fields(page(client), f"{EDITOR}/moderation")
    return client.post(f"{EDITOR}/moderation", data={**fields, "mode": mode})


def test_the_editor_sets_the_articles_moderation_mode_and_back_to_the_sites(
    author_client, session, demo_article
):
    html = page(author_client)
    assert 'id="mode-default" name="mode" value="default" checked' in html
    assert "first-time commenters wait for a moderator (the site's setting)." in html

    response = set_mode(author_client, "pre")
    assert response.status_code == 303 and response.headers["Location"].endswith("#moderation")
    html = page(author_client)
    assert "On this article every new comment waits for a moderator." in html
    assert 'id="mode-pre" name="mode" value="pre" checked' in html
    session.expire_all()
    assert session.get(type(demo_article), demo_article.id).moderation_mode == "pre"

    set_mode(author_client, "default")
    session.expire_all()
    assert session.get(type(demo_article), demo_article.id).moderation_mode is None
    logged = session.scalars(
        select(ModerationAction.new_status).where(ModerationAction.action == "set_moderation_mode")
    ).all()
    assert logged == ["pre", "default"]


def test_an_unknown_moderation_mode_is_refused_with_a_message(author_client, session, demo_article):
    response = set_mode(author_client, "whenever")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="moderation-error"' in html and "is not a moderation mode" in html
    session.expire_all()
    assert session.get(type(demo_article), demo_article.id).moderation_mode is None


def test_the_moderation_form_without_its_token_is_refused(author_client, demo_article):
    response = author_client.post(f"{EDITOR}/moderation", data={"mode": "pre"})
    assert response.status_code == 400
