"""Who the visitor is and what they may do: passwords and their hashes, the login throttle and
rate limits, the security policy (auth ticket, session, CSRF), the login and logout pages, the
account page, invitation and reset links, and the admin's page of users."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("scratchpad.models")  # the policy loads the ticket's user
    config.include(".security")
    config.include(".suspension")
    config.include("scratchpad.routes")
    config.scan(".views")
