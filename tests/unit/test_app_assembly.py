"""``main()`` builds the same app whatever order its areas are included in: each area's
``includeme`` includes what it needs, and every tween says where it goes."""

import pytest
from pyramid.config import Configurator
from pyramid.interfaces import IRoutesMapper, ITweens

from scratchpad.settings import load_settings

AREAS = (
    "scratchpad.web",
    "scratchpad.accounts",
    "scratchpad.board",
    "scratchpad.search",
    "scratchpad.notifications",
    "scratchpad.mail",
    "scratchpad.metrics",
)

#: Outermost first: the chain docs/architecture.md draws.
TWEEN_CHAIN = [
    "scratchpad.web.access_log.access_log_tween_factory",
    "scratchpad.metrics.requests.request_metrics_tween_factory",
    "scratchpad.web.forwarded.untrusted_forwarding_tween_factory",
    "scratchpad.web.tweens.security_headers_tween_factory",
    "scratchpad.web.caching.caching_tween_factory",
    "scratchpad.web.tweens.sendable_location_tween_factory",
    "pyramid_tm.tm_tween_factory",
    "pyramid.tweens.excview_tween_factory",
]


def assembled(app_settings, dbengine, areas):
    """(tween chain, routes, views per route) of the app built from ``areas`` in that order."""
    settings = dict(load_settings(dict(app_settings)), dbengine=dbengine)
    with Configurator(settings=settings) as config:
        for area in areas:
            config.include(area)
    registry = config.make_wsgi_app().registry
    tweens = [name for name, _ in registry.queryUtility(ITweens).implicit()]
    routes = [(route.name, route.pattern) for route in registry.queryUtility(IRoutesMapper).get_routes()]
    views = sorted(
        (
            str(view["route_name"]),
            str(view["context"]),
            str(view["request_methods"]),
            getattr(view["callable"], "__qualname__", type(view["callable"]).__name__),
        )
        for view in (item["introspectable"] for item in registry.introspector.get_category("views"))
        if view["callable"] is not None
    )
    return tweens, routes, views


def test_the_app_has_the_documented_tween_chain(app):
    assert [name for name, _ in app.registry.queryUtility(ITweens).implicit()] == TWEEN_CHAIN


def orders(areas):
    """Every rotation of ``areas`` and of their reverse, but ``areas`` itself: each area comes
    first once and last once, and each two areas come in both orders. All the orders (720 of
    six areas) would prove no more and take minutes."""
    rotations = [areas[i:] + areas[:i] for i in range(len(areas))]
    backwards = areas[::-1]
    rotations += [backwards[i:] + backwards[:i] for i in range(len(areas))]
    return [order for order in rotations if order != areas]


@pytest.mark.parametrize("areas", orders(AREAS), ids="-".join)
def test_the_include_order_of_the_areas_does_not_matter(app_settings, dbengine, areas):
    assert assembled(app_settings, dbengine, areas) == assembled(app_settings, dbengine, AREAS)
