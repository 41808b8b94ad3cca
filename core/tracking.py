"""The message state machine: which state may follow which, and event construction."""

from __future__ import annotations

from datetime import datetime

from core.errors import InvalidRequest
from core.model import Event, State

TRANSITIONS: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.VALIDATED, State.REJECTED}),
    State.VALIDATED: frozenset({State.ROUTED, State.REJECTED}),
    State.ROUTED: frozenset({State.DELIVERED, State.REJECTED}),
    State.DELIVERED: frozenset({State.DOWNLOADED, State.PUSHED, State.PUSH_FAILED, State.UNDELIVERABLE}),
    State.PUSH_FAILED: frozenset({State.PUSHED, State.PUSH_FAILED, State.UNDELIVERABLE, State.DOWNLOADED}),
    State.PUSHED: frozenset({State.DOWNLOADED}),
    State.UNDELIVERABLE: frozenset({State.DOWNLOADED}),
    State.DOWNLOADED: frozenset({State.DOWNLOADED}),
    State.REJECTED: frozenset(),
}

# Recorded in the history without changing the message's current state.
ANNOTATIONS = frozenset({State.RETOUR_RECEIVED})


def check_transition(current: State, following: State) -> None:
    if following in ANNOTATIONS:
        return
    if following not in TRANSITIONS.get(current, frozenset()):
        raise InvalidRequest(f"a message in state {current.value} cannot become {following.value}")


class Timeline:
    """Build one message's events in order, checking each transition."""

    def __init__(self, message_id: str, start: datetime, actor: str | None = None):
        self.message_id = message_id
        self.actor = actor
        self.state = State.RECEIVED
        self.events = [Event(message_id, start, State.RECEIVED, actor=actor)]

    def step(self, state: State, at: datetime, *, code: str | None = None, detail: str | None = None) -> Event:
        check_transition(self.state, state)
        event = Event(self.message_id, at, state, code=code, detail=detail, actor=self.actor)
        self.events.append(event)
        if state not in ANNOTATIONS:
            self.state = state
        return event
