"""Entry point of the ``ggk`` command."""

from __future__ import annotations

import sys

import click

from adapters.cli.context import CliContext
from core.errors import GgkError, InvalidRequest


class GgkGroup(click.Group):
    """Turn core errors into one clear line and an exit code: 2 for wrong input, 1 otherwise."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GgkError as error:
            click.echo(f"ggk: {error.code}: {error.detail}", err=True)
            sys.exit(2 if isinstance(error, InvalidRequest) else 1)


@click.group(cls=GgkGroup)
@click.option("--data-dir", "data_dir", metavar="DIR", help="Hub data folder (default $GGK_DATA_DIR, then ./ggk-data).")
@click.option("--config", "config_file", metavar="FILE", help="Settings file (default $GGK_CONFIG, then DIR/ggk.toml).")
@click.version_option(package_name="ggk")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, config_file: str | None) -> None:
    """ggk: the Gemeentelijk Gegevensknooppunt."""
    ctx.obj = CliContext(data_dir, config_file)


def _register_commands() -> None:
    from adapters.cli import commands_cpa, commands_hub, commands_messages, commands_ops, commands_serve, commands_users, demo

    for module in (commands_cpa, commands_hub, commands_messages, commands_ops, commands_serve, commands_users, demo):
        module.register(cli)


def main() -> None:
    from adapters.cli.runtime import configure_logging, warn_unknown_variables

    configure_logging(None)
    warn_unknown_variables()
    _register_commands()
    _register_plugin_commands()
    cli(prog_name="ggk")


def _register_plugin_commands() -> None:
    """Let plugins add their own commands; a broken plugin does not stop the other commands.

    NOTE: this runs before the command line is parsed, so only ``$GGK_DATA_DIR``,
    ``$GGK_CONFIG`` and ``$GGK_PLUGINS_DISABLED`` can switch a plugin's commands off.
    """
    import os

    from config.settings import SettingsError, load_settings, resolve_data_dir
    from core.plugins import PluginError, PluginHost

    try:
        disabled = load_settings(resolve_data_dir(None, dict(os.environ))).get("plugins", "disabled")
    except SettingsError:
        disabled = []  # the command itself reports the wrong setting
    try:
        host = PluginHost(disabled=disabled).load()
    except PluginError as error:
        click.echo(f"ggk: plugins could not load: {error}", err=True)
        return
    host.add_cli_commands(cli)
