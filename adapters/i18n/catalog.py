"""Load the gettext catalogs and explain rejection codes in the user's language."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from string import Formatter

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("nl", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "ggk"


def N_(text: str) -> str:
    """Mark ``text`` for extraction into the catalogs without translating it here."""
    return text


CODE_EXPLANATIONS: dict[str, str] = {
    "StUF055": N_("The file does not match the XSD of its release."),
    "IB002": N_("Your organisation may not use the hub: it is inactive or not enrolled for any service."),
    "IB007": N_("The file is larger than the maximum of {limit} bytes."),
    "IB009": N_("The referentienummer is not a valid UUID version 4."),
    "IB101": N_("There is no valid CPA for your organisation and this message type."),
    "IB102": N_("The receiving organisation does not receive messages of this service through the hub."),
    "IB103": N_("This message type is temporarily blocked by the hub operator. Send the file again later."),
    "IB210": N_("The receiving organisation is unknown to the hub."),
    "IB213": N_("The sending organisation is unknown to the hub."),
    "IB216": N_("This message was already received: the combination of sender and message identification is not unique."),
    "IB234": N_("Your organisation may not send this message type."),
    "IB240": N_("The envelope's berichtcode does not match its functie."),
    "IB798": N_("The StUF version of the envelope differs from the version configured for your organisation."),
    "GGK001": N_("The file is empty."),
    "GGK002": N_("The file is not UTF-8 without a byte order mark."),
    "GGK003": N_("The file contains a DOCTYPE or entity declaration, which the hub does not accept."),
    "GGK004": N_("The hub does not know this kind of file: it is not a message of a service the hub offers."),
    "GGK005": N_("The hub has no schema release installed for this file ({release})."),
    "GGK006": N_("The file has no usable file name."),
    "GGK601": N_("The end date is before the start date."),
    "GGK602": N_("The BSN is invalid: it fails the elfproef."),
    "GGK603": N_("The granted budget must be more than zero."),
    "GGK604": N_("The restant does not equal the granted budget minus the amount spent."),
    "GGK400": N_("The request is not valid."),
    "GGK403": N_("You are not authorised to do this."),
    "GGK404": N_("Not found."),
    "GGK409": N_("This already exists."),
}


@functools.cache
def translations(language: str) -> NullTranslations:
    """Return the compiled catalog of ``language``; an unknown language falls back to the msgids."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return NullTranslations()
    with open(path, "rb") as stream:
        catalog = read_po(stream, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext_for(language: str) -> Callable[[str], str]:
    return translations(language).gettext


def explain_code(code: str | None, params: dict | None = None, language: str = "nl") -> str | None:
    """Return the plain-language explanation of a rejection code, or None for an unknown code."""
    if code is None or code not in CODE_EXPLANATIONS:
        return None
    template = gettext_for(language)(CODE_EXPLANATIONS[code])
    return _format(template, params or {})


def _format(template: str, params: dict) -> str:
    names = {name for _, name, _, _ in Formatter().parse(template) if name}
    values = {name: params.get(name, "?") for name in names}
    return template.format(**values)
