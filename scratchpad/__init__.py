"""The scratchpad comment board: a Pyramid WSGI application."""

import sys
from typing import Any

from pyramid.config import Configurator
from pyramid.router import Router

from .settings import SettingsError, load_settings


def main(global_config: dict[str, str], **settings: Any) -> Router:
    """Build the WSGI app; ``pserve`` calls this with the ini file's ``[app:main]`` settings."""
    try:
        settings = load_settings(settings)
    except SettingsError as error:
        # One clear line and a non-zero exit instead of a traceback from pserve.
        sys.exit(f"scratchpad: {error}")
    with Configurator(settings=settings) as config:
        # Each area includes what it needs; the order here does not matter.
        config.include(".web")
        config.include(".accounts")
        config.include(".board")
        config.include(".search")
        config.include(".notifications")
        config.include(".mail")
        config.include(".metrics")
        config.include(".i18n")
    return config.make_wsgi_app()
