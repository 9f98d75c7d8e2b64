"""pserve behind a TLS-terminating reverse proxy, configured as docs/deploying.md says: the
requests carry what nginx adds (Host, X-Forwarded-Proto, X-Forwarded-For); waitress is told
to believe X-Forwarded-Proto from 127.0.0.1 only, and the app believes X-Forwarded-For from
127.0.0.1 only (production.ini's scratchpad.trusted_proxies). No nginx runs here; the headers
are sent as it would send them."""

import pytest

pytestmark = pytest.mark.mysql

SITE = "board.example.org"
CLIENT_ADDR = "203.0.113.7"
#: What nginx sends with `proxy_set_header Host $host; ... X-Forwarded-Proto $scheme;
#: ... X-Forwarded-For $proxy_add_x_forwarded_for;`, and what a browser adds to a form post.
#: The visitor wrote an X-Forwarded-For of their own; nginx appended the address it saw.
PROXIED = {
    "Host": SITE,
    "X-Forwarded-Proto": "https",
    "X-Forwarded-For": f"198.51.100.66, {CLIENT_ADDR}",
    "Origin": f"https://{SITE}",
}
#: The [server:main] lines the deployment guide adds to each copy of production.ini.
TRUST_THE_PROXY = {
    "trusted_proxy": "127.0.0.1",
    "trusted_proxy_headers": "x-forwarded-proto",
}


@pytest.fixture(scope="module")
def proxied(launch):
    return launch("proxied", server_options=TRUST_THE_PROXY)


@pytest.fixture(scope="module")
def proxied_visit(deployment, proxied, new_browser):
    """Log in and post through the 'proxy'; keep every response."""
    browser = new_browser(proxied, headers=dict(PROXIED))
    seen = {"login": browser.login("alice", deployment.passwords["alice"])}
    token = browser.csrf_token()
    seen["post"] = browser.post("/", {"contents": "posted over https", "csrf_token": token})
    # nginx's default Host header is the upstream's name, not the site's.
    browser.headers["Host"] = "scratchpad"
    fields = {"contents": "Host not passed on", "csrf_token": token}
    seen["wrong_host_post"] = browser.post("/", fields)
    seen["texts"] = deployment.comment_texts()
    return seen


def test_login_redirects_to_the_https_site(proxied_visit):
    assert proxied_visit["login"].location == f"https://{SITE}/"


def test_post_redirects_to_the_https_site(proxied_visit):
    response = proxied_visit["post"]
    assert (response.status, response.location) == (303, f"https://{SITE}/")


def test_post_over_the_proxy_is_stored(proxied_visit):
    assert proxied_visit["texts"].count("posted over https") == 1


def test_responses_carry_hsts(proxied_visit):
    assert "max-age=" in proxied_visit["post"].headers.get("Strict-Transport-Security", "")


def test_post_without_the_sites_host_is_refused(proxied_visit):
    refused = proxied_visit["wrong_host_post"].status
    assert (refused, "Host not passed on" in proxied_visit["texts"]) == (400, False)


def test_app_sees_the_visitors_address_not_the_proxys(deployment, proxied, new_browser):
    browser = new_browser(proxied, headers=dict(PROXIED))
    token = browser.csrf_token("/login/")
    fields = {"username": "nobody", "password": "wrong password", "csrf_token": token}
    assert browser.post("/login/", fields).status == 400
    rows = deployment.query("SELECT client_addr FROM login_failures WHERE username = 'nobody'")
    assert rows == ((CLIENT_ADDR,),)


def test_without_trusting_the_proxy_x_forwarded_proto_is_ignored(deployment, launch, new_browser):
    # production.ini as shipped: waitress believes X-Forwarded-Proto from nobody, so nobody
    # who reaches pserve directly can pretend to have come over https.
    browser = new_browser(launch("untrusting"), headers=dict(PROXIED))
    response = browser.login("alice", deployment.passwords["alice"])
    assert response.location == f"http://{SITE}/"
