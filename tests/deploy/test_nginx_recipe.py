"""The nginx configuration of docs/deploying.md (step 5), run as written but on ports other than 80 and
443: a visitor on https://board.example.org:<port>/ logs in, posts and logs out through it,
every redirect keeps the port, and plain HTTP is sent to that HTTPS port. nginx from Debian,
TLS with a self-signed certificate (tests/support/nginx_server.py)."""

import http.client
from pathlib import Path

import pytest

from tests.support.nginx_server import SITE, HttpsBrowser, nginx_in_front
from tests.support.servers import free_port

pytestmark = pytest.mark.mysql

#: The [server:main] lines docs/deploying.md, step 4 adds to each copy of production.ini.
TRUST_THE_PROXY = {
    "trusted_proxy": "127.0.0.1",
    "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto",
}


@pytest.fixture(scope="module")
def nginx(launch, tmp_path_factory):
    apps = [launch(f"behind-nginx-{number}", server_options=TRUST_THE_PROXY) for number in (1, 2)]
    directory = tmp_path_factory.mktemp("nginx")
    with nginx_in_front(directory, [app.port for app in apps], free_port(), free_port()) as nginx:
        yield nginx


@pytest.fixture(scope="module")
def visit(deployment, nginx):
    """alice logs in, posts and logs out through nginx; every response is kept."""
    browser = HttpsBrowser(nginx)
    seen = {"login": browser.login("alice", deployment.passwords["alice"])}
    # Before the recipe passed the port on, the Origin check refused the login form (400).
    assert seen["login"].status == 303, f"login through nginx: {seen['login'].status}"
    seen["post"] = browser.post_comment("posted through nginx on another port")
    seen["page"] = browser.request("GET", "/")
    seen["logout"] = browser.logout()
    seen["after"] = browser.request("GET", "/")
    seen["texts"] = deployment.comment_texts()
    return seen


def site_url(nginx, path="/"):
    return f"https://{SITE}:{nginx.https_port}{path}"


def test_login_through_nginx_on_another_port(visit, nginx):
    response = visit["login"]
    assert (response.status, response.location) == (303, site_url(nginx)), response.text[:2000]


def test_post_through_nginx_is_stored_once_and_redirects_to_the_port(visit, nginx):
    assert (visit["post"].status, visit["post"].location) == (303, site_url(nginx))
    assert visit["texts"].count("posted through nginx on another port") == 1
    assert "posted through nginx on another port" in visit["page"].text


def test_logout_through_nginx(visit, nginx):
    assert (visit["logout"].status, visit["logout"].location) == (303, site_url(nginx))
    assert "Log in" in visit["after"].text
    assert "Log out" not in visit["after"].text


def test_plain_http_redirects_to_the_https_port(nginx):
    connection = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=30)
    try:
        connection.request("GET", "/login/?next=%2F", headers={"Host": f"{SITE}:{nginx.http_port}"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert (response.status, response.getheader("Location")) == (301, site_url(nginx, "/login/?next=%2F"))


def test_the_readme_recipe_has_no_directive_open_source_nginx_lacks(nginx):
    # `nginx -t` passed on the guide's block (nginx_in_front checks it) ...
    site = (Path(nginx.directory) / "nginx.conf").read_text()
    # ... and the health check is passive, which open-source nginx does itself.
    assert "health_check" not in site
