"""The header of an iStandaarden file, as read by the streaming parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.messagetypes import NamespaceInfo


@dataclass
class Header:
    """Leaf values below the root's Header element, by path of local names."""

    namespace: NamespaceInfo
    values: dict[str, list[str]] = field(default_factory=dict)

    def add(self, path: str, value: str) -> None:
        self.values.setdefault(path, []).append(value)

    def get(self, path: str | None) -> str | None:
        if not path:
            return None
        found = self.values.get(path)
        return found[0] if found else None

    def all(self, path: str | None) -> list[str]:
        if not path:
            return []
        return list(self.values.get(path, []))

    def get_date(self, path: str | None) -> date | None:
        text = self.get(path)
        if text is None:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
