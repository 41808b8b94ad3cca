"""Words and links the templates show: the menu, state names, retourcodes, query strings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from adapters.i18n import explain_code
from adapters.i18n.catalog import N_
from adapters.web import identity_text
from adapters.web.timeline import event_text
from adapters.web.sessions import WebSession
from core.model import State
from core.principal import Action, Grant

STATE_LABELS = {
    State.RECEIVED: N_("Received"),
    State.VALIDATED: N_("Validated"),
    State.REJECTED: N_("Rejected"),
    State.ROUTED: N_("Routed"),
    State.DELIVERED: N_("In mailbox"),
    State.DOWNLOADED: N_("Downloaded"),
    State.RETOUR_RECEIVED: N_("Retourbericht received"),
    State.PUSHED: N_("Delivered to the recipient's system"),
    State.PUSH_FAILED: N_("Delivery to the recipient's system failed"),
    State.UNDELIVERABLE: N_("Undeliverable"),
}

# NOTE: only the retourcodes every release shares are explained here; other codes are
# shown as their number, to be looked up in the iStandaarden code list.
RETOURCODES = {
    "0001": N_("Message rejected for technical reasons"),
    "0200": N_("No remarks on this message class"),
    "0233": N_("Not assessed"),
}


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str
    prefixes: tuple[str, ...] = ()

    def active(self, path: str) -> bool:
        if self.href == "/":
            return path == "/"
        return path == self.href or any(path.startswith(prefix) for prefix in (self.href + "/", *self.prefixes))


MAIN_MENU = (
    MenuItem("/", N_("Overview")),
    MenuItem("/upload", N_("Send files")),
    MenuItem("/inbox", N_("Inbox")),
    MenuItem("/sent", N_("Sent")),
    MenuItem("/trace", N_("Track & trace"), ("/messages/",)),
)
WLZ_MENU = (
    (Grant("wlz", Action.REGISTERTOETS), MenuItem("/wlz/registertoets", N_("Wlz registertoets"))),
    (Grant("wlz", Action.RECEIVE), MenuItem("/wlz/signalen", N_("Wlz signals"))),
)
USER_ADMINISTRATION = MenuItem("/users", N_("Users"))
OPERATOR_MENU = (MenuItem("/applications", N_("Applications")), MenuItem("/audit", N_("Audit log")))


def navigation(session: WebSession | None) -> list[MenuItem]:
    """Return the menu items this user may use; pages still check access themselves."""
    if session is None:
        return []
    items = list(MAIN_MENU)
    principal = session.principal
    if principal.organisation is not None:
        items.extend(item for grant, item in WLZ_MENU if principal.grants is None or grant in principal.grants)
    if "users" in session.permissions:
        items.append(USER_ADMINISTRATION)
    if session.principal.is_operator:
        items.extend(OPERATOR_MENU)
    elif "audit" in session.permissions:
        items.append(OPERATOR_MENU[1])
    return items


def state_label(state: State | str) -> str:
    return STATE_LABELS.get(State(state), str(state))


def retourcode_label(code: str) -> str | None:
    return RETOURCODES.get(code)


def url_with(path: str, query_string: str, **changes: str | None) -> str:
    """Return ``path`` with the current query string, changing or (with None) dropping parameters."""
    pairs = [(key, value) for key, value in parse_qsl(query_string, keep_blank_values=True) if key not in changes]
    pairs += [(key, value) for key, value in changes.items() if value is not None]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def explain(code: str | None, language: str) -> str | None:
    return explain_code(code, {}, language)


def _label(labels: dict):
    return lambda value: labels.get(value, str(value))


TEMPLATE_GLOBALS = {
    "role_label": _label(identity_text.ROLE_LABELS),
    "role_hint": _label(identity_text.ROLE_HINTS),
    "action_label": _label(identity_text.ACTION_LABELS),
    "user_status_label": _label(identity_text.STATUS_LABELS),
    "signup_status_label": _label(identity_text.SIGNUP_LABELS),
    "kind_label": _label(identity_text.KIND_LABELS),
    "channel_label": _label(identity_text.CHANNEL_LABELS),
    "audit_label": _label(identity_text.AUDIT_LABELS),
    "explain": explain,
    "navigation": navigation,
    "state_label": state_label,
    "timeline_text": event_text,
    "retourcode_label": retourcode_label,
    "url_with": url_with,
}
