"""ggk example plugin: the made-up service "vb" with one heenbericht type and its retour.

VB101 (Voorbeeldverzoek) goes from a gemeente to an aanbieder, which answers with a VB102
retour. Both live in the made-up standard iVb 1.0, whose namespaces follow the
iStandaarden pattern (``http://www.istandaarden.nl/ivb/1_0/vb101/schema``), so the hub
recognises them like iWmo or iJw files. The XSDs ship in ``xsd/`` beside this module; an
operator imports them with ``ggk schemas import`` (``ggk vb xsd-folder`` prints the path).

The hub finds this package through the entry point ``vb`` in the group ``ggk.plugins``,
declared in this project's pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

import click

from core.hookspecs import hookimpl
from core.messagetypes import ServiceSpec, heen, retour
from core.model import OrgKind

SERVICE = "vb"
STANDARDS = ("ivb",)


def message_types():
    return (
        heen("VB101", SERVICE, STANDARDS, ("901",), OrgKind.GEMEENTE, description="Voorbeeldverzoek"),
        retour("VB102", SERVICE, STANDARDS, ("902",), OrgKind.AANBIEDER, "VB101",
               description="Retour op een voorbeeldverzoek"),
    )


def xsd_folder() -> Path:
    """Return the folder that holds this service's XSD release (iVb 1.0)."""
    return Path(__file__).resolve().with_name("xsd")


@hookimpl
def ggk_services() -> ServiceSpec:
    return ServiceSpec(code=SERVICE, name="Voorbeelddienst", message_types=message_types())


@hookimpl
def ggk_cli_commands(cli: click.Group) -> None:
    @cli.group(SERVICE)
    def vb() -> None:
        """Commands of the example service."""

    @vb.command("xsd-folder")
    def print_xsd_folder() -> None:
        """Print the folder of the iVb 1.0 XSDs, to pass to 'ggk schemas import'."""
        click.echo(str(xsd_folder()))
