"""Which PyMySQL arguments the app adds to a database URL (scratchpad/models/mysql.py)."""

import pytest
from sqlalchemy.engine import make_url

from scratchpad.models.mysql import connect_args

ON_THIS_MACHINE = [
    "mysql+pymysql://scratchpad@localhost/scratchpad?charset=utf8mb4",
    "mysql+pymysql://scratchpad:secret@127.0.0.1:3306/scratchpad?charset=utf8mb4",
    "mysql+pymysql://scratchpad@127.0.0.2/scratchpad",
    "mysql+pymysql://scratchpad@[::1]:3306/scratchpad",
    "mysql+pymysql://scratchpad@/scratchpad?charset=utf8mb4",
    "mysql+pymysql://scratchpad@/scratchpad?unix_socket=/run/mysqld/mysqld.sock",
]


@pytest.mark.parametrize("url", ON_THIS_MACHINE)
def test_a_server_on_this_machine_is_reached_without_tls(url):
    assert connect_args(make_url(url)) == {"ssl_disabled": True}


@pytest.mark.parametrize(
    "url",
    [
        "mysql+pymysql://scratchpad@db.example.org/scratchpad?charset=utf8mb4",
        "mysql+pymysql://scratchpad@10.0.0.5:3306/scratchpad",
        "mysql+pymysql://scratchpad@[2001:db8::5]/scratchpad",
    ],
)
def test_a_server_elsewhere_keeps_pymysqls_own_tls(url):
    assert connect_args(make_url(url)) == {}


@pytest.mark.parametrize(
    "query", ["ssl_ca=/etc/scratchpad/db-ca.pem", "ssl_disabled=1", "ssl_verify_cert=true"]
)
def test_tls_options_in_the_url_are_left_to_pymysql_as_written(query):
    assert connect_args(make_url(f"mysql+pymysql://scratchpad@localhost/scratchpad?{query}")) == {}


@pytest.mark.parametrize(
    "url", ["sqlite:///scratchpad.sqlite", "sqlite://", "mysql+mysqldb://scratchpad@localhost/scratchpad"]
)
def test_other_drivers_get_nothing(url):
    assert connect_args(make_url(url)) == {}
