"""The request's way in and out, whatever page it is for: what is read before routing, the
tween chain (access log, forwarding check, security and caching headers), retries of
transient database errors, templates, the error pages, ``/healthz``, and draining on SIGTERM."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include(".templating")
    # Subscribers run in the order added: the public address is set before anything reads it.
    config.include(".public_url")
    config.include(".incoming")
    config.include(".retry")
    config.include(".access_log")
    config.include(".forwarded")
    config.include(".tweens")
    config.include(".caching")
    config.include(".serving")
    config.include("scratchpad.routes")  # the health view's route
    config.scan(".errors")
    config.scan(".health")
