"""``/time-zone``: the reader chooses the zone pages show times in, with a plain form (no
JavaScript needed). A member's choice is saved to their account and follows them to every
browser; a visitor's is kept in a cookie of their browser.

A text field with the database's names offered as suggestions (a ``<datalist>``): the
browser completes ``Europe/B...`` as it is typed, and a name it does not know is refused with
a message, the typed text kept in the field.
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad.i18n import time_zones
from scratchpad.i18n.messages import _, message_of, translate
from scratchpad.models.types import utcnow
from scratchpad.web.http import local_or_board

TEMPLATE = "scratchpad:templates/i18n/time_zone.jinja2"


def came_from(request: Request, params: dict | None = None) -> str:
    """The page to go back to: a path on this site, else the board."""
    path = (request.GET if params is None else params).get("came_from", "")
    return local_or_board(request, path)


def form_values(request: Request, back: str) -> dict[str, object]:
    """What the form (templates/i18n/time_zone_form.jinja2) shows before anything is typed,
    here and on the account page."""
    return {
        "zones": time_zones.all_zones(),
        "typed_zone": request.time_zone,
        "came_from": back,
        "zone_error": None,
    }


def page(request: Request, status: int = 200, **values: object) -> dict[str, object]:
    request.response.status = status
    return {"now": utcnow(), **form_values(request, came_from(request)), **values}


@view_config(route_name="i18n.time_zone", request_method="GET", renderer=TEMPLATE)
def time_zone_form(request: Request) -> dict[str, object]:
    return page(request)


@view_config(route_name="i18n.time_zone", request_method="POST", renderer=TEMPLATE)
def choose_time_zone(request: Request) -> dict[str, object] | Response:
    typed = request.POST.get("time_zone", "")
    back = came_from(request, request.POST)
    try:
        zone = time_zones.validate_zone(typed)
    except time_zones.UnknownTimeZone as error:
        return page(request, 400, typed_zone=typed, zone_error=message_of(error), came_from=back)
    response = HTTPSeeOther(location=back)
    user = request.identity
    if user is not None:
        user.time_zone = zone
        request.session.flash(
            translate(
                request, _("Times are now shown in ${zone}, in every browser you log in with."), zone=zone
            )
        )
    else:
        time_zones.remember_zone(request, response, zone)
        request.session.flash(translate(request, _("Times are now shown in ${zone}."), zone=zone))
    return response
