"""Jinja2 pages: the renderer and the filters templates use to format values."""

from datetime import UTC, datetime

from pyramid.config import Configurator

from scratchpad.board import member_pages

# English names on purpose: the page must read the same whatever the server's locale.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_datetime(moment: datetime) -> str:
    """``Tuesday, 24 November 2026 at 09:05``, in UTC."""
    moment = moment.astimezone(UTC)
    return (
        f"{WEEKDAYS[moment.weekday()]}, {moment.day:02d} {MONTHS[moment.month - 1]} "
        f"{moment.year} at {moment.hour:02d}:{moment.minute:02d}"
    )


def includeme(config: Configurator) -> None:
    config.include("pyramid_jinja2")

    def add_filters() -> None:
        environment = config.get_jinja2_environment()
        environment.filters["long_datetime"] = long_datetime
        # A member's own part of a page kept for every member (board/member_pages.py).
        environment.globals["slot"] = member_pages.slot

    # After pyramid_jinja2's own action has made the environment, wherever this is included.
    config.action(None, add_filters, order=999)
