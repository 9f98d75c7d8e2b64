"""The database goes away under a serving app, then comes back: visitors get a clear 503 page
meanwhile, nothing is half-written, and the same pserve process serves again afterwards."""

import time
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.mysql

DOWN_TEXT = "posted while the database was down"
BACK_TEXT = "posted after the database came back"
#: How long the app may take to notice the database is back.
RECOVERY_TIMEOUT = 30


@pytest.fixture(scope="module")
def site(launch):
    return launch("faults")


@pytest.fixture(scope="module")
def outage(deployment, site, new_browser, record_timing):
    """Log in, stop MariaDB, try pages and a post, start MariaDB, wait for the app to serve
    again and post once more. Returns what was seen at each step."""
    browser = new_browser(site)
    browser.login("alice", deployment.passwords["alice"])
    token = browser.csrf_token()
    pid = site.process.pid
    seen = {"before": deployment.comment_texts()}

    deployment.server.stop()
    try:
        seen["anonymous_get"] = new_browser(site).get("/")
        seen["get"] = browser.get("/")
        seen["post"] = browser.post("/", {"contents": DOWN_TEXT, "csrf_token": token})
        seen["healthz"] = browser.get("/healthz")
        seen["anonymous_healthz"] = new_browser(site).get("/healthz")
    finally:
        deployment.server.start()

    started = time.monotonic()
    statuses = []
    while len(statuses) < 300 and time.monotonic() < started + RECOVERY_TIMEOUT:
        statuses.append(browser.get("/").status)
        if statuses[-1] == 200:
            break
        time.sleep(0.1)
    seen["recovery_statuses"] = statuses
    record_timing("faults: first 200 after MariaDB restarted", time.monotonic() - started)
    seen["post_after"] = None
    if statuses[-1] == 200:
        seen["post_after"] = browser.post("/", {"contents": BACK_TEXT, "csrf_token": token})
    seen["healthz_after"] = browser.get("/healthz")
    seen["after"] = deployment.comment_texts()
    seen["same_process"] = site.process.poll() is None and site.process.pid == pid
    seen["log"] = site.log()
    return seen


@pytest.mark.parametrize("step", ["anonymous_get", "get", "post"])
def test_request_while_database_is_down_gets_503(outage, step):
    assert outage[step].status == 503, outage[step].text[:2000]


@pytest.mark.parametrize("step", ["anonymous_get", "get", "post"])
def test_page_while_database_is_down_says_temporarily_unavailable(outage, step):
    assert "Temporarily unavailable" in outage[step].text


@pytest.mark.parametrize("step", ["anonymous_get", "get", "post", "healthz", "anonymous_healthz"])
def test_page_while_database_is_down_shows_no_traceback(outage, step):
    assert "Traceback" not in outage[step].text


@pytest.mark.parametrize("step", ["anonymous_get", "get", "post"])
def test_503_asks_to_retry_later(outage, step):
    assert outage[step].headers.get("Retry-After") == "30"


@pytest.mark.parametrize("step", ["healthz", "anonymous_healthz"])
def test_healthz_while_database_is_down_gets_503(outage, step):
    assert outage[step].status == 503


def test_comment_posted_while_database_is_down_is_not_stored(outage):
    assert DOWN_TEXT not in outage["after"]


def test_app_serves_again_once_database_is_back(outage):
    assert outage["recovery_statuses"][-1] == 200, outage["recovery_statuses"]


def test_app_recovered_without_a_restart(outage):
    assert outage["same_process"]


def test_post_after_recovery_redirects(outage):
    response = outage["post_after"]
    assert response is not None, "the app did not serve again"
    assert (response.status, urlsplit(response.location).path) == (303, "/")


def test_post_after_recovery_is_stored_exactly_once(outage):
    assert sorted(outage["after"]) == sorted(outage["before"] + [BACK_TEXT])


def test_healthz_after_recovery_is_ok(outage):
    assert (outage["healthz_after"].status, outage["healthz_after"].text) == (200, "ok")


@pytest.mark.parametrize(
    "sign_of_a_500",
    [
        "Unexpected error",  # logged by the app's own 500 page
        "Exception while serving",  # logged by waitress when an error escapes the app
    ],
)
def test_no_request_ended_in_a_500(outage, sign_of_a_500):
    assert sign_of_a_500 not in outage["log"], outage["log"]


def test_each_request_failed_by_the_outage_is_one_log_line_without_a_traceback(outage):
    # Three pages and two health checks failed while MariaDB was down; production.ini logs
    # INFO and up, where the health check's traceback is not.
    lines = outage["log"].splitlines()
    failures = [line for line in lines if "[scratchpad.web." in line]
    answered_503 = [line for line in lines if "[scratchpad.access:" in line and " 503 " in line]
    assert (len(failures), len(answered_503), "Traceback" in outage["log"]) == (5, 5, False), outage["log"]
