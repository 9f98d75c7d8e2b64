"""Members report comments; admins deal with the reports in the inbox (/admin/inbox): one by
one or several at once, every act in the moderation and audit logs; enough reports hide a
comment by themselves when ``scratchpad.auto_hide_reports`` says so (issue 15, line 3)."""

import logging
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scratchpad.board.reports import ALREADY_REPORTED
from scratchpad.models import ModerationAction, Report
from scratchpad.models.moderation import THE_BOARD
from tests.support.factories import PASSWORD, make_comment, make_user, stored_comment

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
REMOVED = "This comment was removed by a moderator."
PAGES = "Pages of the reported comments"


@pytest.fixture
def carol(dbsession):
    return make_user(dbsession, "carol")


@pytest.fixture
def comment(dbsession, alice):
    return make_comment(dbsession, "Buy cheap *pills*", commenter=alice, posted_at=LONG_AGO)


@pytest.fixture
def audit_lines(caplog):
    caplog.set_level(logging.INFO, logger="scratchpad.audit")
    return lambda: [record.getMessage() for record in caplog.records if record.name == "scratchpad.audit"]


def visitor(browser, name=None):
    """A browser of its own, logged in as ``name`` (None: anonymous)."""
    other = browser()
    if name is not None:
        other.login(name, PASSWORD)
    return other


def report(member, comment_id, reason="spam", details="", status=303):
    params = {"csrf_token": member.get_csrf_token(), "reason": reason, "details": details}
    return member.post(f"/comments/{comment_id}/report", params, status=status)


def reports_of(dbsession, comment_id=None):
    """(reporter, reason, details, open, resolution, resolved by) of every report, oldest first."""
    dbsession.expire_all()
    query = sa.select(Report).order_by(Report.id)
    if comment_id is not None:
        query = query.where(Report.comment_id == comment_id)
    return [
        (r.reporter.username, r.reason, r.details, r.is_open, r.resolution, r.resolved_by)
        for r in dbsession.scalars(query)
    ]


def log_entries(dbsession):
    return [
        (entry.moderator_name, entry.action, entry.comment_id)
        for entry in dbsession.scalars(sa.select(ModerationAction).order_by(ModerationAction.id))
    ]


def inbox_sections(page):
    """The inbox's entries: (comment id, the reasons' lines, auto-hidden), top to bottom."""
    return [
        (
            int(section["id"].removeprefix("reported-")),
            [" ".join(item.get_text().split()) for item in section.select(".inbox-reasons li")],
            section.select_one(".inbox-auto-hidden") is not None,
        )
        for section in page.html.select("section.inbox-entry")
    ]


def act(admin_browser, action, comment_id, status=303):
    params = {"csrf_token": admin_browser.get_csrf_token(), "act": f"{action} {comment_id}"}
    return admin_browser.post("/admin/inbox", params, status=status)


# Reporting


def test_a_member_reports_a_comment_with_the_form_without_javascript(browser, dbsession, comment, bob):
    member = visitor(browser, "bob")
    board = member.get("/")
    link = board.html.find("article", id=f"comment-{comment.id}").select_one("a.comment-report-link")
    form = member.get(link["href"]).forms["report-form"]
    form["reason"] = "abuse"
    form["details"] = "Not the first time.\r\nSee also #3."
    page = form.submit(status=303).follow()
    assert "your report was sent" in page.text
    assert reports_of(dbsession) == [("bob", "abuse", "Not the first time.\nSee also #3.", True, None, None)]


@pytest.mark.parametrize(
    "reason, details, message",
    [
        ("", "I do not like it", "Please choose why"),
        ("rude", "I do not like it", "Please choose why"),
        ("other", "x" * 501 + " kept", "at most 500 characters"),
    ],
)
def test_a_bad_report_is_refused_with_the_typed_text_kept(
    browser, dbsession, comment, bob, reason, details, message
):
    page = report(visitor(browser, "bob"), comment.id, reason, details, status=400)
    assert message in page.text
    assert page.html.find("textarea", id="details").get_text() == details
    assert reports_of(dbsession) == []


def test_a_second_open_report_is_refused_and_nothing_is_stored_twice(browser, dbsession, comment, bob):
    member = visitor(browser, "bob")
    report(member, comment.id, "spam")
    again = report(member, comment.id, "abuse", status=409)
    assert ALREADY_REPORTED in again.text
    assert ALREADY_REPORTED in member.get(f"/comments/{comment.id}/report", status=409).text
    assert reports_of(dbsession) == [("bob", "spam", "", True, None, None)]


def test_the_database_holds_one_open_report_per_member_and_comment(dbsession, comment, bob, admin):
    dbsession.add(Report(comment_id=comment.id, reporter_id=bob.id, reason="spam"))
    dbsession.flush()
    with pytest.raises(IntegrityError), dbsession.begin_nested():
        dbsession.add(Report(comment_id=comment.id, reporter_id=bob.id, reason="abuse"))
    # Once resolved (is_open NULL), a new one may be opened.
    dbsession.execute(sa.update(Report).values(is_open=None, resolution="dismissed"))
    dbsession.add(Report(comment_id=comment.id, reporter_id=bob.id, reason="abuse"))
    dbsession.flush()
    assert [row[1] for row in reports_of(dbsession)] == ["spam", "abuse"]


def test_a_member_may_report_again_once_the_reports_were_dismissed(browser, dbsession, comment, bob, admin):
    report(visitor(browser, "bob"), comment.id, "spam")
    act(visitor(browser, "root"), "dismiss", comment.id)
    report(visitor(browser, "bob"), comment.id, "abuse")
    assert reports_of(dbsession) == [
        ("bob", "spam", "", None, "dismissed", "root"),
        ("bob", "abuse", "", True, None, None),
    ]


def test_ones_own_comment_cannot_be_reported(browser, dbsession, comment):
    author = visitor(browser, "alice")
    assert author.get("/").html.select("a.comment-report-link") == []
    page = report(author, comment.id, status=409)
    assert "This is your own comment" in page.text
    assert reports_of(dbsession) == []


def test_a_hidden_comment_cannot_be_reported(browser, dbsession, comment, bob):
    dbsession.execute(sa.update(type(comment)).values(hidden_at=LONG_AGO))
    member = visitor(browser, "bob")
    assert member.get("/").html.select("a.comment-report-link") == []
    assert "already removed by a moderator" in report(member, comment.id, status=409).text
    assert reports_of(dbsession) == []


def test_visitors_must_log_in_to_report(testapp, dbsession, comment):
    page = testapp.get(f"/comments/{comment.id}/report")
    assert page.status_int in (302, 303)
    assert "/login/" in page.location
    assert testapp.get("/").html.select("a.comment-report-link") == []


def test_a_report_without_the_csrf_token_is_refused(browser, dbsession, comment, bob):
    member = visitor(browser, "bob")
    member.post(f"/comments/{comment.id}/report", {"reason": "spam"}, status=400)
    assert reports_of(dbsession) == []


def test_reports_are_rate_limited(browser, app_with, dbsession, alice, bob):
    comments = [
        make_comment(dbsession, f"Comment {n}", commenter=alice, posted_at=LONG_AGO) for n in range(3)
    ]
    member = browser(app_with(reports_per_minute=2))
    member.login("bob", PASSWORD)
    report(member, comments[0].id)
    report(member, comments[1].id)
    refused = report(member, comments[2].id, "other", "third one", status=429)
    assert int(refused.headers["Retry-After"]) > 0
    assert "You have sent 2 reports in the last minute" in refused.text
    assert refused.html.find("textarea", id="details").get_text() == "third one"
    assert len(reports_of(dbsession)) == 2


# The inbox


def test_the_inbox_groups_open_reports_by_comment_newest_report_first(
    browser, dbsession, alice, bob, carol, admin
):
    first = make_comment(dbsession, "First", commenter=alice, posted_at=LONG_AGO)
    second = make_comment(dbsession, "Second", commenter=alice, posted_at=LONG_AGO)
    report(visitor(browser, "bob"), first.id, "spam", "ads")
    report(visitor(browser, "carol"), second.id, "off-topic")
    report(visitor(browser, "carol"), first.id, "abuse")
    page = visitor(browser, "root").get("/admin/inbox")
    sections = inbox_sections(page)
    assert [(comment_id, len(reasons)) for comment_id, reasons, _ in sections] == [
        (first.id, 2),
        (second.id, 1),
    ]
    reasons = sections[0][1]
    assert reasons[0].startswith("Spam or advertising, from bob")
    assert reasons[0].endswith(": ads")
    assert reasons[1].startswith("Abusive or harassing, from carol")
    entry = page.html.find("section", id=f"reported-{first.id}")
    assert "First" in entry.select_one(".comment-content").get_text()
    assert "by alice" in " ".join(entry.get_text().split())


def reported_by(dbsession, reporter, texts, author):
    """``author``'s comments of ``texts``, each reported by ``reporter``, oldest first."""
    comments = [make_comment(dbsession, text, commenter=author, posted_at=LONG_AGO) for text in texts]
    for comment in comments:
        dbsession.add(Report(comment_id=comment.id, reporter_id=reporter.id, reason="spam"))
    dbsession.flush()
    return comments


def test_the_inbox_is_paged_by_the_newest_report(browser, dbsession, alice, bob, admin):
    comments = reported_by(dbsession, bob, [f"Comment {n}" for n in range(27)], alice)
    root = visitor(browser, "root")
    first = root.get("/admin/inbox")
    assert [entry[0] for entry in inbox_sections(first)] == [c.id for c in reversed(comments)][:25]
    second = first.click(linkid=None, href="before=", description="Older")
    assert [entry[0] for entry in inbox_sections(second)] == [comments[1].id, comments[0].id]
    assert second.html.find("a", rel="next") is None


def test_acting_on_an_older_inbox_page_goes_back_to_that_page(browser, dbsession, alice, bob, admin):
    """The acts' 303 keeps ``?before=`` (it went back to the newest page); a page its last
    entry left says it is empty and links to the newest."""
    comments = reported_by(dbsession, bob, [f"Comment {n}" for n in range(27)], alice)
    root = visitor(browser, "root")
    second = root.get("/admin/inbox").click(linkid=None, href="before=", description="Older")
    hidden = second.forms["inbox-form"].submit("act", value=f"hide {comments[1].id}", status=303)
    after_hiding = hidden.follow()
    dismissed = after_hiding.forms["inbox-form"].submit("act", value=f"dismiss {comments[0].id}", status=303)
    emptied = dismissed.follow()
    assert (
        hidden.location.removeprefix("http://example.com"),
        dismissed.location.removeprefix("http://example.com"),
        "1 comment hidden." in after_hiding.text,
        [entry[0] for entry in inbox_sections(after_hiding)],
        inbox_sections(emptied),
        "No open reports." in emptied.text,
        [link["href"] for link in emptied.html.find("nav", attrs={"aria-label": PAGES}).find_all("a")],
    ) == (second.request.path_qs, second.request.path_qs, True, [comments[0].id], [], True, ["/admin/inbox"])


def test_an_inbox_act_from_a_page_that_cannot_be_acts_on_nothing(browser, dbsession, comment, bob, admin):
    report(visitor(browser, "bob"), comment.id)
    root = visitor(browser, "root")
    params = {"csrf_token": root.get_csrf_token(), "act": f"hide {comment.id}"}
    root.post("/admin/inbox?before=abc", params, status=400)
    assert stored_comment(dbsession, comment.id).hidden_at is None


def test_only_admins_open_the_inbox(browser, testapp, bob, admin):
    visitor(browser, "bob").get("/admin/inbox", status=403)
    bob_browser = visitor(browser, "bob")
    bob_browser.post(
        "/admin/inbox", {"csrf_token": bob_browser.get_csrf_token(), "act": "hide 1"}, status=403
    )
    assert "/login/" in testapp.get("/admin/inbox").location


def test_hiding_from_the_inbox_resolves_the_reports_and_logs_it(
    browser, dbsession, comment, bob, carol, admin, audit_lines
):
    report(visitor(browser, "bob"), comment.id)
    report(visitor(browser, "carol"), comment.id, "abuse")
    root = visitor(browser, "root")
    page = act(root, "hide", comment.id).follow()
    assert "1 comment hidden." in page.text
    assert inbox_sections(page) == []
    assert stored_comment(dbsession, comment.id).hidden_at is not None
    assert reports_of(dbsession) == [
        ("bob", "spam", "", None, "hidden", "root"),
        ("carol", "abuse", "", None, "hidden", "root"),
    ]
    assert dbsession.scalars(sa.select(Report.resolved_at)).all()[0] is not None
    assert log_entries(dbsession) == [("root", "hide", comment.id)]
    assert f"moderation hide user='root' addr=unknown comment={comment.id}" in audit_lines()
    assert REMOVED in visitor(browser).get("/").text


def test_deleting_from_the_inbox_keeps_the_resolved_reports(
    browser, dbsession, comment, bob, admin, audit_lines
):
    comment_id = comment.id
    report(visitor(browser, "bob"), comment_id)
    act(visitor(browser, "root"), "delete", comment_id)
    assert stored_comment(dbsession, comment_id) is None
    dbsession.expire_all()
    kept = dbsession.execute(sa.select(Report.comment_id, Report.resolution, Report.resolved_by)).all()
    assert kept == [(None, "deleted", "root")]
    assert log_entries(dbsession) == [("root", "delete", comment_id)]
    assert any(line.startswith("moderation delete user='root'") for line in audit_lines())


def test_dismissing_leaves_the_comment_and_logs_it(browser, dbsession, comment, bob, admin, audit_lines):
    report(visitor(browser, "bob"), comment.id)
    told = act(visitor(browser, "root"), "dismiss", comment.id).follow()
    # The reports are what is dismissed ("1 comment dismissed." said the comment was).
    assert "Dismissed the reports on 1 comment." in told.html.select_one(".flash-message").text
    assert stored_comment(dbsession, comment.id).hidden_at is None
    assert reports_of(dbsession) == [("bob", "spam", "", None, "dismissed", "root")]
    assert log_entries(dbsession) == [("root", "dismiss", comment.id)]
    assert any(line.startswith("moderation dismiss user='root'") for line in audit_lines())
    assert "pills" in visitor(browser).get("/").text


def test_ticked_comments_are_acted_on_at_once(browser, dbsession, alice, bob, admin):
    ids = [make_comment(dbsession, f"Comment {n}", commenter=alice, posted_at=LONG_AGO).id for n in range(3)]
    member = visitor(browser, "bob")
    for comment_id in ids:
        report(member, comment_id)
    root = visitor(browser, "root")
    form = root.get("/admin/inbox").forms["inbox-form"]
    for field in form.fields["comment"]:
        if field._value in (str(ids[0]), str(ids[2])):
            field.checked = True
    page = form.submit("action", value="delete", status=303).follow()
    assert "2 comments deleted." in page.text
    assert [entry[0] for entry in inbox_sections(page)] == [ids[1]]
    assert [stored_comment(dbsession, comment_id) is None for comment_id in ids] == [True, False, True]
    assert sorted(log_entries(dbsession)) == [("root", "delete", ids[0]), ("root", "delete", ids[2])]


def test_acting_on_reports_already_resolved_does_nothing(browser, dbsession, comment, bob, admin):
    report(visitor(browser, "bob"), comment.id)
    root = visitor(browser, "root")
    act(root, "dismiss", comment.id)
    page = act(root, "hide", comment.id).follow()
    assert "another admin has already dealt with those reports" in page.text
    assert stored_comment(dbsession, comment.id).hidden_at is None
    assert log_entries(dbsession) == [("root", "dismiss", comment.id)]


def test_nothing_ticked_is_said(browser, admin):
    root = visitor(browser, "root")
    params = {"csrf_token": root.get_csrf_token(), "action": "hide"}
    assert "Tick at least one comment" in root.post("/admin/inbox", params, status=303).follow().text


def test_hiding_a_reported_comment_from_the_board_resolves_its_reports(
    browser, dbsession, comment, bob, admin
):
    report(visitor(browser, "bob"), comment.id)
    root = visitor(browser, "root")
    root.post(f"/comments/{comment.id}/hide", {"csrf_token": root.get_csrf_token()}, status=303)
    assert reports_of(dbsession) == [("bob", "spam", "", None, "hidden", "root")]
    assert inbox_sections(root.get("/admin/inbox")) == []


def test_the_author_deleting_a_reported_comment_resolves_its_reports(browser, dbsession, alice, bob):
    fresh = make_comment(dbsession, "Oops", commenter=alice)
    report(visitor(browser, "bob"), fresh.id)
    author = visitor(browser, "alice")
    author.post(f"/comments/{fresh.id}/delete", {"csrf_token": author.get_csrf_token()}, status=303)
    dbsession.expire_all()
    assert dbsession.execute(sa.select(Report.comment_id, Report.resolution, Report.is_open)).all() == [
        (None, "deleted", None)
    ]


# Hidden by the reports themselves


def test_reports_hide_nothing_by_default(browser, dbsession, comment, bob, carol):
    report(visitor(browser, "bob"), comment.id)
    report(visitor(browser, "carol"), comment.id)
    assert stored_comment(dbsession, comment.id).hidden_at is None


def test_the_nth_distinct_member_reporting_hides_the_comment_pending_an_admin(
    browser, app_with, dbsession, comment, bob, carol, admin, audit_lines
):
    app = app_with(auto_hide_reports=2)
    for name in ("bob", "carol"):
        member = browser(app)
        member.login(name, PASSWORD)
        report(member, comment.id)
        if name == "bob":
            assert stored_comment(dbsession, comment.id).hidden_at is None
    assert stored_comment(dbsession, comment.id).hidden_at is not None
    assert log_entries(dbsession) == [(THE_BOARD, "auto-hide", comment.id)]
    assert any(line.startswith("moderation auto-hide user='carol'") for line in audit_lines())
    assert REMOVED in browser(app).get("/").text
    root = visitor(browser, "root")
    inbox = root.get("/admin/inbox")
    assert inbox_sections(inbox) == [(comment.id, inbox_sections(inbox)[0][1], True)]
    assert "Keep hidden" in inbox.text
    assert "Restore" in inbox.text
    assert "hid (reported by enough members)" in root.get("/admin/moderation").text


def test_the_admin_restores_an_automatically_hidden_comment(
    browser, app_with, dbsession, comment, bob, admin
):
    member = browser(app_with(auto_hide_reports=1))
    member.login("bob", PASSWORD)
    report(member, comment.id)
    act(visitor(browser, "root"), "dismiss", comment.id)
    assert stored_comment(dbsession, comment.id).hidden_at is None
    assert log_entries(dbsession) == [
        (THE_BOARD, "auto-hide", comment.id),
        ("root", "unhide", comment.id),
        ("root", "dismiss", comment.id),
    ]
    assert "pills" in visitor(browser).get("/").text


def test_the_admin_confirms_an_automatically_hidden_comment(
    browser, app_with, dbsession, comment, bob, admin
):
    member = browser(app_with(auto_hide_reports=1))
    member.login("bob", PASSWORD)
    report(member, comment.id)
    act(visitor(browser, "root"), "hide", comment.id)
    assert stored_comment(dbsession, comment.id).hidden_at is not None
    assert reports_of(dbsession) == [("bob", "spam", "", None, "hidden", "root")]


# The navbar


def inbox_link(page):
    return page.html.find("a", id="navbar-inbox")


def test_the_navbar_shows_admins_the_number_of_open_reports(browser, dbsession, alice, bob, carol, admin):
    first = make_comment(dbsession, "First", commenter=alice, posted_at=LONG_AGO)
    second = make_comment(dbsession, "Second", commenter=alice, posted_at=LONG_AGO)
    root = visitor(browser, "root")
    assert " ".join(inbox_link(root.get("/")).get_text().split()) == "Inbox"
    report(visitor(browser, "bob"), first.id)
    report(visitor(browser, "carol"), first.id)
    report(visitor(browser, "carol"), second.id)
    link = " ".join(inbox_link(root.get("/")).get_text().split())
    assert link == "Inbox 3: 3 open reports, 0 comments waiting"
    act(root, "dismiss", first.id)
    assert (
        " ".join(inbox_link(root.get("/")).get_text().split()) == "Inbox 1: 1 open report, 0 comments waiting"
    )


def test_the_navbar_leads_to_the_waiting_list_when_no_report_is_open(
    browser, dbsession, comment, alice, bob, admin
):
    """It read "Inbox 4" and always led to the reports: "No open reports." With none open and
    comments waiting it leads to them; once a report is open, to the reports again."""
    for n in range(4):
        make_comment(dbsession, f"Waiting {n}", commenter=alice).waiting_since = LONG_AGO
    dbsession.flush()
    root = visitor(browser, "root")
    waiting_only = inbox_link(root.get("/"))
    landed = root.get(waiting_only["href"])
    report(visitor(browser, "bob"), comment.id)
    with_a_report = inbox_link(root.get("/"))
    assert (
        " ".join(waiting_only.get_text().split()),
        waiting_only["href"],
        len(landed.html.select("section.inbox-entry")),
        with_a_report["href"],
    ) == ("Inbox 4: 0 open reports, 4 comments waiting", "/admin/inbox/waiting", 4, "/admin/inbox")


def test_members_and_visitors_see_no_inbox_link(browser, dbsession, comment, bob):
    report(visitor(browser, "bob"), comment.id)
    assert inbox_link(visitor(browser, "bob").get("/")) is None
    assert inbox_link(visitor(browser).get("/")) is None


@pytest.mark.parametrize("value", ["9" * 30, "\N{SUPERSCRIPT TWO}", "-1", "1e3", "hide"])
def test_an_inbox_act_naming_no_comment_acts_on_nothing(browser, dbsession, comment, bob, admin, value):
    report(visitor(browser, "bob"), comment.id)
    root = visitor(browser, "root")
    token = root.get_csrf_token()
    for params in ({"act": f"hide {value}"}, {"action": "hide", "comment": value}):
        page = root.post("/admin/inbox", {"csrf_token": token, **params}, status=303).follow()
        assert "Tick at least one comment" in page.text
    assert stored_comment(dbsession, comment.id).hidden_at is None


def test_the_reasons_words_are_escaped_in_the_inbox(browser, dbsession, comment, bob, admin):
    report(
        visitor(browser, "bob"), comment.id, "other", "<script>alert(1)</script><img src=x onerror=alert(2)>"
    )
    entry = visitor(browser, "root").get("/admin/inbox").html.find("section", id=f"reported-{comment.id}")
    assert (entry.find("script"), entry.find("img")) == (None, None)
    assert "<script>alert(1)</script>" in entry.select_one(".inbox-reasons").get_text()


def test_the_reporters_words_keep_their_own_direction_in_the_inbox(browser, dbsession, comment, bob, admin):
    """Typed in any script: on an Arabic admin's page an English note is quoted left to right."""
    report(visitor(browser, "bob"), comment.id, "other", "Spam again.")
    admin_browser = visitor(browser, "root")
    admin_browser.set_cookie("language", "ar")
    entry = admin_browser.get("/admin/inbox").html.find("section", id=f"reported-{comment.id}")
    (quoted,) = entry.select(".inbox-reasons q")
    assert (quoted.get("dir"), quoted.get_text()) == ("auto", "Spam again.")
