"""State shared by the commands: settings, the container, the output language."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from adapters.i18n import gettext_for
from config.settings import Settings, SettingsError, load_settings, resolve_data_dir


@dataclass
class CliContext:
    data_dir_flag: str | None
    config_flag: str | None
    flags: dict[tuple[str, str], Any] = field(default_factory=dict)
    _settings: Settings | None = None
    _container: Any = None

    @property
    def data_dir(self) -> Path:
        import os

        return resolve_data_dir(self.data_dir_flag, dict(os.environ))

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.data_dir, self.config_flag, self.flags)
            except SettingsError as error:
                click.echo(f"ggk: {error}", err=True)
                sys.exit(2)
        return self._settings

    @property
    def container(self):
        if self._container is None:
            from adapters.cli.runtime import open_container

            self._container = open_container(self.settings)
        return self._container

    def gettext(self):
        return gettext_for(self.settings.get("ui", "language"))


pass_context = click.make_pass_decorator(CliContext)
