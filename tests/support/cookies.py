"""What a WebTest response says about the cookies it sets."""


def set_cookie_attributes(res, name):
    """The attributes of the Set-Cookie header for ``name``, lower-cased, value dropped."""
    for header in res.headers.getall("Set-Cookie"):
        cookie_name, _, rest = header.partition("=")
        if cookie_name == name:
            return {part.strip().lower() for part in rest.split(";")[1:]}
    raise AssertionError(f"no Set-Cookie for {name}: {res.headers.getall('Set-Cookie')}")
