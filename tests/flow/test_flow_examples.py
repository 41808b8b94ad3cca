"""Every real example message is accepted and delivered; a schema-invalid copy of it is StUF055."""

from __future__ import annotations

import pytest

from core import codes
from core.ports import MessageQuery
from core.model import State
from tests.flow import messages, reference

EXAMPLES = reference.params(reference.examples(), lambda example: example.label)
RETOUR_EXAMPLES = reference.params(reference.retour_examples(), lambda example: example.label)


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_is_delivered_to_named_recipient(hub, example):
    data = example.read()
    expected = hub.prepare(example)

    outcome = hub.send(expected.sender, data, example.path.name)

    assert outcome.code is None, outcome.detail
    assert outcome.accepted
    assert outcome.recipient == expected.recipient
    message = hub.message(outcome.message_id)
    assert message.sender == expected.sender
    assert message.recipient == expected.recipient
    assert message.status == State.DELIVERED
    assert message.release == f"{example.standard}/{example.release.replace('.', '_')}"
    assert message.schema_set_id is not None
    assert hub.states(outcome.message_id) == [State.RECEIVED, State.VALIDATED, State.ROUTED, State.DELIVERED]


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_lands_in_recipient_mailbox_only(hub, example):
    data = example.read()
    expected = hub.prepare(example)

    outcome = hub.send(expected.sender, data, example.path.name)

    inbox = hub.store.list_messages(MessageQuery(organisation=expected.recipient))
    assert [m.id for m in inbox] == [outcome.message_id]
    sender_inbox = hub.store.list_messages(MessageQuery(organisation=expected.sender))
    assert sender_inbox == []


@pytest.mark.parametrize("example", RETOUR_EXAMPLES)
def test_retour_example_without_heen_is_heen_unknown(hub, example):
    data = example.read()
    expected = hub.prepare(example)

    outcome = hub.send(expected.sender, data, example.path.name)

    assert outcome.accepted, outcome.detail
    assert outcome.heen_unknown
    assert outcome.heen_id is None
    assert hub.message(outcome.message_id).heen_unknown


@pytest.mark.parametrize("example", EXAMPLES)
def test_invalid_copy_is_stuf055_at_changed_element(hub, example):
    expected = hub.prepare(example)
    changed = messages.invalid_copy(example.read())

    outcome = hub.send(expected.sender, changed.data, example.path.name)

    assert outcome.code == codes.STUF055
    assert outcome.line == changed.line
    assert outcome.column == changed.column
    message = hub.message(outcome.message_id)
    assert message.status == State.REJECTED
    assert message.reject_line == changed.line
    assert hub.states(outcome.message_id) == [State.RECEIVED, State.REJECTED]


@pytest.mark.parametrize("example", EXAMPLES)
def test_invalid_copy_leaves_valid_file_acceptable(hub, example):
    data = example.read()
    expected = hub.prepare(example)
    hub.send(expected.sender, messages.invalid_copy(data).data)

    outcome = hub.send(expected.sender, data, example.path.name)

    assert outcome.accepted, outcome.detail
