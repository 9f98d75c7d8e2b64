"""The scratchpad comment board: a Pyramid WSGI application."""

import sys

from pyramid.config import Configurator

from .settings import SettingsError, load_settings


def main(global_config, **settings):
    """Build the WSGI app; ``pserve`` calls this with the ini file's ``[app:main]`` settings."""
    try:
        settings = load_settings(settings)
    except SettingsError as error:
        # One clear line and a non-zero exit instead of a traceback from pserve.
        sys.exit(f"scratchpad: {error}")
    with Configurator(settings=settings) as config:
        config.include(".templating")
        config.include(".public_url")  # first: every later step sees the public address
        config.include(".incoming")
        config.include(".models")
        config.include(".retry")
        config.include(".security")
        config.include(".tweens")
        config.include(".caching")
        config.include(".forwarded")
        config.include(".access_log")
        config.include(".page_cache")
        config.include(".routes")
        config.include(".serving")
        config.include(".views.api")  # its view predicate, before the scan uses it
        config.scan(".views")
    return config.make_wsgi_app()
