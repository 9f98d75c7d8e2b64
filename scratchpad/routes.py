"""The site's URL map, top to bottom."""


def includeme(config):
    config.add_static_view("static", "scratchpad:static", cache_max_age=3600)
    config.add_route("comments.index", "/")
    config.add_route("accounts.login", "/login/")
    config.add_route("accounts.logout", "/logout/")
    config.add_route("healthz", "/healthz")
