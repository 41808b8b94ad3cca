"""Who acts: a user of an organisation, an organisation's software, or the hub operator."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from core.model import Channel


class Role(str, enum.Enum):
    OPERATOR = "operator"  # hub operator (beheerder)
    GEBRUIKERSBEHEERDER = "gebruikersbeheerder"
    PRODUCTBEHEERDER = "productbeheerder"
    GEBRUIKER = "gebruiker"


class Action(str, enum.Enum):
    SEND = "send"
    RECEIVE = "receive"
    REGISTERTOETS = "registertoets"


@dataclass(frozen=True)
class Grant:
    """Permission to perform ``action`` for ``service`` on behalf of the principal's organisation."""

    service: str
    action: Action


@dataclass(frozen=True)
class Principal:
    """The acting party handed to every core use case.

    ``organisation`` is None only for the hub operator. An organisation principal (software
    over the webservice or file drop, or the operator acting ``--as`` an organisation) holds
    every grant of its organisation; a user principal holds the grants it was given.
    """

    channel: Channel
    organisation: str | None = None
    user: str | None = None
    roles: frozenset[Role] = field(default_factory=frozenset)
    grants: frozenset[Grant] | None = None  # None: all grants of the organisation

    @classmethod
    def operator(cls, channel: Channel = Channel.CLI, user: str | None = None) -> "Principal":
        return cls(channel=channel, user=user, roles=frozenset({Role.OPERATOR}))

    @classmethod
    def organisation_software(cls, code: str, channel: Channel) -> "Principal":
        return cls(channel=channel, organisation=code)

    @property
    def is_operator(self) -> bool:
        return Role.OPERATOR in self.roles

    def describe(self) -> str:
        """Return an audit-safe label such as ``user:42@0384/portal``."""
        who = f"user:{self.user}" if self.user else ("operator" if self.is_operator else "org")
        return f"{who}@{self.organisation or '-'}/{self.channel.value}"
