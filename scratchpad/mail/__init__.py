"""Email: the outbox (mail queued in the transaction that causes it), its worker
(``scratchpad-admin CONFIG mail send``), the confirmation of a member's address, the
notification mail, and one-click unsubscribe (RFC 8058)."""

from pyramid.config import Configurator


def includeme(config: Configurator) -> None:
    config.include("scratchpad.models")
    config.include("scratchpad.accounts")  # the security policy and CSRF defaults the pages rely on
    config.include("scratchpad.routes")
    config.scan(".views")
