"""Long-running commands: the file-drop loop."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Commands are added here as their adapters land (file drop, serve)."""
