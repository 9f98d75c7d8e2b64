"""A member's saved language (``POST /account/language``, a form on the account page).

Kept in their ``users`` row, which every request of theirs reads anyway (the login ticket's
user): so it costs nothing to honour, and it follows them to every browser and device,
winning over the browser's ``Accept-Language`` and the menu's cookie (negotiation.py).
Empty means "as my browser asks".
"""

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from scratchpad.accounts.views.account import ACCOUNT_TEMPLATE, page
from scratchpad.i18n.languages import NAMES, supported
from scratchpad.i18n.messages import _, translate, translate_in
from scratchpad.i18n.negotiation import negotiate_language


@view_config(
    route_name="accounts.language", request_method="POST", renderer=ACCOUNT_TEMPLATE, permission="account"
)
def save_language(request: Request) -> dict | Response:
    typed = request.POST.get("language", "")
    language = supported(typed)
    if typed and language is None:
        return page(
            request, 400, language_error=translate(request, _("The board does not speak that language."))
        )
    request.identity.language = language
    # Said in the language the next page is drawn in: the new choice, or the browser's.
    speaks = negotiate_language(request)
    if language is None:
        message = _("The board now speaks the language your browser asks for.")
    else:
        message = _("The board now speaks ${language} to you.", mapping={"language": NAMES[language]})
    request.session.flash(translate_in(request, speaks, message))
    return HTTPSeeOther(location=request.route_url("accounts.account"))
