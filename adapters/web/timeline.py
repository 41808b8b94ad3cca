"""Track & trace timeline texts for people: each event described by its state, with the ids it concerns.

Core records a developer's English ``detail`` on some events. The portal does not show
it: the text here is built from the event's state and the message's own fields, in the
reader's language. The API keeps ``detail`` beside this text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from adapters.i18n import explain_code, gettext_for
from adapters.i18n.catalog import CODE_EXPLANATIONS, N_
from core.model import Channel, Event, Message, State

ACTOR_ORGANISATION = re.compile(r"@([^/]+)/")  # Principal.describe(): "user:ID@CODE/channel"

HANDED_IN = {
    Channel.PORTAL: N_("Handed in by %(sender)s through the portal."),
    Channel.WEBSERVICE: N_("Handed in by %(sender)s through the webservice."),
    Channel.FILEDROP: N_("Handed in by %(sender)s through the file drop."),
    Channel.CLI: N_("Handed in for %(sender)s on the hub's command line."),
}
TEXTS = {
    State.ROUTED: N_("Routed to %(recipient)s."),
    State.DELIVERED: N_("Available in the mailbox of %(recipient)s."),
    State.PUSHED: N_("Delivered to the system of %(recipient)s."),
    State.PUSH_FAILED: N_("Delivery to the system of %(recipient)s failed. The hub tries again later."),
    State.UNDELIVERABLE: N_("The hub stopped delivering to the system of %(recipient)s. The message stays in its mailbox."),
}
VALID = N_("Valid against the XSD of release %(release)s.")
HEADER_ONLY = N_("Only the header was checked: the hub has no XSD of this release.")
REJECTED = N_("Rejected with code %(code)s: %(explanation)s")
REJECTED_PLAIN = N_("Rejected with code %(code)s.")
DOWNLOADED_BY = N_("Downloaded by %(organisation)s.")
DOWNLOADED_BY_OPERATOR = N_("Downloaded by the hub operator.")
RETOUR = N_("Retourbericht %(id)s received.")
RETOUR_UNKNOWN = N_("A retourbericht was received.")


@dataclass(frozen=True)
class TimelineText:
    """The sentence of one event, untranslated, with its parameters; ``link`` is a message id to link to."""

    msgid: str
    params: dict[str, str] = field(default_factory=dict)
    link: str | None = None

    def render(self, language: str) -> str:
        _ = gettext_for(language)
        return _(self.msgid) % self.params if self.params else _(self.msgid)


def event_text(event: Event, message: Message, language: str) -> TimelineText:
    """Describe ``event`` of ``message`` by its state."""
    parties = {"sender": message.sender or "–", "recipient": message.recipient or "–"}
    if event.state == State.RECEIVED:
        return TimelineText(HANDED_IN.get(message.channel, HANDED_IN[Channel.PORTAL]), {"sender": parties["sender"]})
    if event.state == State.VALIDATED:
        if message.schema_set_id and message.release:
            return TimelineText(VALID, {"release": message.release.replace("_", ".")})
        return TimelineText(HEADER_ONLY)
    if event.state == State.REJECTED:
        return _rejected(event, language)
    if event.state == State.DOWNLOADED:
        return _downloaded(event)
    if event.state == State.RETOUR_RECEIVED:
        if message.retour_id:
            return TimelineText(RETOUR, {"id": message.retour_id}, link=message.retour_id)
        return TimelineText(RETOUR_UNKNOWN)
    return TimelineText(TEXTS[event.state], {"recipient": parties["recipient"]})


def _rejected(event: Event, language: str) -> TimelineText:
    code = event.code or "–"
    explanation = None
    if event.code and "{" not in CODE_EXPLANATIONS.get(event.code, "{"):  # the event keeps no parameters
        explanation = explain_code(event.code, {}, language)
    if explanation:
        return TimelineText(REJECTED, {"code": code, "explanation": explanation})
    return TimelineText(REJECTED_PLAIN, {"code": code})


def _downloaded(event: Event) -> TimelineText:
    found = ACTOR_ORGANISATION.search(event.actor or "")
    if found is None or found.group(1) == "-":
        return TimelineText(DOWNLOADED_BY_OPERATOR)
    return TimelineText(DOWNLOADED_BY, {"organisation": found.group(1)})
