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
        config.include(".web.templating")
        config.include(".web.public_url")  # first: every later step sees the public address
        config.include(".web.incoming")
        config.include(".models")
        config.include(".web.retry")
        config.include(".accounts.security")
        config.include(".web.tweens")
        config.include(".web.caching")
        config.include(".web.forwarded")
        config.include(".web.access_log")
        config.include(".board.page_cache")
        config.include(".routes")
        config.include(".web.serving")
        config.include(".board.views.api")  # its view predicate, before the scan uses it
        config.scan(".board.views")
        config.scan(".accounts.views")
        config.scan(".web.errors")
        config.scan(".web.health")
    return config.make_wsgi_app()
