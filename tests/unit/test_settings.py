"""scratchpad.settings: the environment wins over the ini, and unusable settings are refused."""

import pytest

from scratchpad import main
from scratchpad.settings import SettingsError, load_settings

GOOD_SECRET = "s" * 32


def ini(**overrides):
    """Settings as the ini file hands them over: every value a string."""
    settings = {
        "sqlalchemy.url": "sqlite:///from-the-ini.sqlite",
        "scratchpad.secret": "ini-secret-ini-secret-ini-secret-ini",
        "scratchpad.bcrypt_rounds": "4",
        "scratchpad.page_size": "50",
        "scratchpad.secure_cookies": "false",
    }
    settings.update(overrides)
    return settings


def test_database_url_from_environment_wins_over_ini():
    settings = load_settings(ini(), environ={"SCRATCHPAD_DATABASE_URL": "sqlite:///from-env.sqlite"})
    assert settings["sqlalchemy.url"] == "sqlite:///from-env.sqlite"


def test_secret_from_environment_wins_over_ini():
    settings = load_settings(ini(), environ={"SCRATCHPAD_SECRET": GOOD_SECRET})
    assert settings["scratchpad.secret"] == GOOD_SECRET


def test_process_environment_is_read_when_no_environ_is_given(monkeypatch):
    monkeypatch.setenv("SCRATCHPAD_DATABASE_URL", "sqlite:///from-os-environ.sqlite")
    assert load_settings(ini())["sqlalchemy.url"] == "sqlite:///from-os-environ.sqlite"


def test_empty_environment_variable_keeps_the_ini_value():
    settings = load_settings(ini(), environ={"SCRATCHPAD_SECRET": ""})
    assert settings["scratchpad.secret"] == "ini-secret-ini-secret-ini-secret-ini"


def test_ini_values_are_used_without_environment_overrides():
    assert load_settings(ini(), environ={})["sqlalchemy.url"] == "sqlite:///from-the-ini.sqlite"


def test_caller_settings_are_not_modified():
    original = ini()
    load_settings(original, environ={"SCRATCHPAD_SECRET": GOOD_SECRET})
    assert original == ini()


@pytest.mark.parametrize(
    "key, variable",
    [
        pytest.param("scratchpad.secret", "SCRATCHPAD_SECRET", id="secret"),
        pytest.param("sqlalchemy.url", "SCRATCHPAD_DATABASE_URL", id="database-url"),
    ],
)
def test_a_missing_required_setting_is_refused_naming_its_variable(key, variable):
    settings = ini()
    del settings[key]
    with pytest.raises(SettingsError, match=variable):
        load_settings(settings, environ={})


@pytest.mark.parametrize(
    "secret, message",
    [
        pytest.param("", "SCRATCHPAD_SECRET", id="empty"),
        pytest.param("x" * 31, "at least 32 characters", id="shorter-than-32-characters"),
        pytest.param("  " + "x" * 31 + "  ", None, id="whitespace-does-not-count-towards-the-length"),
    ],
)
def test_an_unusable_secret_is_refused(secret, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(ini(**{"scratchpad.secret": secret}), environ={})


def test_secret_of_32_characters_is_accepted():
    assert load_settings(ini(**{"scratchpad.secret": "x" * 32}), environ={})["scratchpad.secret"] == "x" * 32


def test_integers_are_converted():
    settings = load_settings(
        ini(**{"scratchpad.bcrypt_rounds": "5", "scratchpad.page_size": "20"}), environ={}
    )
    assert (settings["scratchpad.bcrypt_rounds"], settings["scratchpad.page_size"]) == (5, 20)


def test_missing_integers_get_defaults():
    settings = ini()
    del settings["scratchpad.bcrypt_rounds"], settings["scratchpad.page_size"]
    settings = load_settings(settings, environ={})
    assert (settings["scratchpad.bcrypt_rounds"], settings["scratchpad.page_size"]) == (12, 50)


@pytest.mark.parametrize(
    "key, value",
    [
        ("scratchpad.bcrypt_rounds", "twelve"),
        ("scratchpad.bcrypt_rounds", "12.5"),
        ("scratchpad.bcrypt_rounds", ""),
        ("scratchpad.bcrypt_rounds", "3"),
        ("scratchpad.bcrypt_rounds", "32"),
        ("scratchpad.page_size", "0"),
        ("scratchpad.page_size", "-1"),
        ("scratchpad.page_size", "501"),
        ("scratchpad.page_size", "many"),
        ("scratchpad.drain_seconds", "-1"),
        ("scratchpad.drain_seconds", "3601"),
        ("scratchpad.drain_seconds", "soon"),
        ("scratchpad.reports_per_minute", "0"),
        ("scratchpad.auto_hide_reports", "-1"),
        ("scratchpad.premoderate_first", "a few"),
    ],
)
def test_invalid_integer_is_refused_naming_the_setting(key, value):
    with pytest.raises(SettingsError, match=key):
        load_settings(ini(**{key: value}), environ={})


def test_drain_seconds_defaults_to_30_and_may_be_0():
    assert load_settings(ini(), environ={})["scratchpad.drain_seconds"] == 30
    assert (
        load_settings(ini(**{"scratchpad.drain_seconds": "0"}), environ={})["scratchpad.drain_seconds"] == 0
    )


def test_reports_and_premoderation_default_to_five_a_minute_and_off():
    settings = load_settings(ini(), environ={})
    keys = ("scratchpad.reports_per_minute", "scratchpad.auto_hide_reports", "scratchpad.premoderate_first")
    assert [settings[key] for key in keys] == [5, 0, 0]


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False), ("1", True), ("no", False)])
def test_secure_cookies_becomes_a_boolean(value, expected):
    settings = load_settings(ini(**{"scratchpad.secure_cookies": value}), environ={})
    assert settings["scratchpad.secure_cookies"] is expected


def test_main_without_secret_exits_with_a_one_line_message(monkeypatch):
    monkeypatch.delenv("SCRATCHPAD_SECRET", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main({}, **ini(**{"scratchpad.secret": ""}))
    message = exit_info.value.code
    assert isinstance(message, str)
    assert "\n" not in message
    assert "SCRATCHPAD_SECRET" in message


# The public URL (public_url.py): every absolute URL starts with it when set.


def test_public_url_is_empty_by_default():
    assert load_settings(ini(), environ={})["scratchpad.public_url"] == ""


def test_public_url_from_environment_wins_over_ini():
    settings = load_settings(
        ini(**{"scratchpad.public_url": "http://ini.example"}),
        environ={"SCRATCHPAD_PUBLIC_URL": "https://board.example.org"},
    )
    assert settings["scratchpad.public_url"] == "https://board.example.org"


@pytest.mark.parametrize(
    "value, kept",
    [
        ("https://board.example.org/", "https://board.example.org"),
        ("  http://127.0.0.1:8080  ", "http://127.0.0.1:8080"),
        ("https://example.org/board/", "https://example.org/board"),
    ],
)
def test_public_url_is_kept_without_a_trailing_slash(value, kept):
    assert load_settings(ini(**{"scratchpad.public_url": value}), environ={})["scratchpad.public_url"] == kept


@pytest.mark.parametrize(
    "value",
    [
        "board.example.org",
        "ftp://board.example.org",
        "https://",
        "https://user:pw@board.example.org",
        "https://board.example.org/?next=/",
        "https://board.example.org/#top",
        "https://board.example.org:99999",
        "https://board.example.org:port",
        "https://bo ard.example.org",
        "https://bøard.example.org",
        "https://board.example.org/\r\nX: y",
    ],
)
def test_public_url_that_could_not_start_a_url_is_refused_naming_the_setting(value):
    with pytest.raises(SettingsError, match=r"scratchpad\.public_url"):
        load_settings(ini(**{"scratchpad.public_url": value}), environ={})


# Email (scratchpad/mail/): off unless scratchpad.smtp_url is set; then From and the public URL are needed.

MAIL = {
    "scratchpad.smtp_url": "smtp+starttls://board%40example.org:p%3Ass@mail.example.org:587",
    "scratchpad.mail_from": "Scratchpad <board@Example.ORG>",
    "scratchpad.public_url": "https://board.example.org",
}


def test_mail_is_off_by_default():
    settings = load_settings(ini(), environ={})
    assert (settings["scratchpad.smtp_url"], settings["scratchpad.mail_from"]) == ("", "")


def test_mail_settings_are_checked_and_the_from_address_written_out():
    settings = load_settings(ini(**MAIL), environ={})
    assert settings["scratchpad.mail_from"] == "Scratchpad <board@example.org>"
    assert settings["scratchpad.email_confirmation_hours"] == 48


def test_smtp_url_from_environment_wins_over_ini():
    settings = load_settings(ini(**MAIL), environ={"SCRATCHPAD_SMTP_URL": "smtps://mail.example.org"})
    assert settings["scratchpad.smtp_url"] == "smtps://mail.example.org"


@pytest.mark.parametrize(
    "missing, message",
    [
        ("scratchpad.mail_from", r"needs scratchpad\.mail_from"),
        ("scratchpad.public_url", r"needs scratchpad\.public_url"),
    ],
)
def test_smtp_url_needs_a_from_address_and_the_public_url(missing, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(ini(**{**MAIL, missing: ""}), environ={})


@pytest.mark.parametrize(
    "value",
    [
        "mail.example.org",
        "http://mail.example.org",
        "smtp://",
        "smtp://user:password@mail.example.org",  # a password over plain SMTP
        "smtp://mail.example.org:99999",
        "smtp://mail.example.org:0",
        "smtp://mail.example.org/path",
        "smtp://mail.example.org?tls=1",
    ],
)
def test_an_smtp_url_that_names_no_usable_server_is_refused(value):
    with pytest.raises(SettingsError, match=r"scratchpad\.smtp_url"):
        load_settings(ini(**{**MAIL, "scratchpad.smtp_url": value}), environ={})


@pytest.mark.parametrize(
    "value", ["not an address", "Board <board@>", "Board\r\nBcc: x@example.org <b@example.org>"]
)
def test_a_from_that_is_not_an_address_is_refused(value):
    with pytest.raises(SettingsError, match=r"scratchpad\.mail_from"):
        load_settings(ini(**{**MAIL, "scratchpad.mail_from": value}), environ={})


def test_metrics_readers_are_nobody_by_default():
    settings = load_settings(ini(), environ={})
    assert (settings["scratchpad.metrics_allow"], settings["scratchpad.metrics_token"]) == ((), "")


def test_metrics_allow_takes_addresses_and_networks_of_both_families():
    settings = load_settings(ini(**{"scratchpad.metrics_allow": "127.0.0.1 ::1\n10.0.0.0/8"}), environ={})
    assert [str(network) for network in settings["scratchpad.metrics_allow"]] == [
        "127.0.0.1/32",
        "::1/128",
        "10.0.0.0/8",
    ]


@pytest.mark.parametrize("value", ["localhost", "10.0.0.1/8", "300.1.2.3", "10.0.0.0/33"])
def test_metrics_allow_refuses_what_is_not_an_address_or_network(value):
    with pytest.raises(SettingsError, match=r"scratchpad\.metrics_allow"):
        load_settings(ini(**{"scratchpad.metrics_allow": value}), environ={})


def test_metrics_settings_survive_a_second_load():
    once = load_settings(ini(**{"scratchpad.metrics_allow": "10.0.0.0/8"}), environ={})
    assert load_settings(once, environ={})["scratchpad.metrics_allow"] == once["scratchpad.metrics_allow"]


@pytest.mark.parametrize("token", ["too-short", "x" * 31, "t\u00f6ken" * 10, "tok en\t" * 6])
def test_a_guessable_or_unsendable_metrics_token_is_refused(token):
    with pytest.raises(SettingsError, match=r"scratchpad\.metrics_token"):
        load_settings(ini(**{"scratchpad.metrics_token": token}), environ={})


def test_the_metrics_token_from_the_environment_wins_over_the_ini():
    token = "e" * 40
    settings = load_settings(
        ini(**{"scratchpad.metrics_token": "i" * 40}), environ={"SCRATCHPAD_METRICS_TOKEN": token}
    )
    assert settings["scratchpad.metrics_token"] == token
