"""Operator commands for portal accounts: ``ggk user add|list|disable|enable|link|reset-totp``.

They act as the hub operator on the hub machine and use the identity use cases through
the container's ``identity`` provider. Texts are English for now, like the logs.
"""

from __future__ import annotations

import sys

import click

from adapters.cli.context import CliContext, pass_context
from adapters.cli.output import emit_json, json_option
from core.identity.invitations import IssuedInvitation
from core.identity.model import User
from core.model import Channel
from core.principal import Action, Grant, Principal, Role

OPERATOR = Principal.operator(Channel.CLI)
ORGANISATION_ROLES = ("gebruikersbeheerder", "productbeheerder", "gebruiker")


def register(cli: click.Group) -> None:
    cli.add_command(user)


@click.group()
def user() -> None:
    """Manage portal accounts: add, list, disable, enable, send a new link, reset the second factor."""


def parse_grant(text: str) -> Grant:
    """Parse ``SERVICE:ACTION`` such as ``wmo:send``; raise click.BadParameter otherwise."""
    service, _, action = text.partition(":")
    actions = ", ".join(a.value for a in Action)
    if not service or not action:
        raise click.BadParameter(f"{text!r} is not SERVICE:ACTION, such as wmo:send", param_hint="--grant")
    try:
        return Grant(service.strip().lower(), Action(action.strip().lower()))
    except ValueError:
        raise click.BadParameter(f"unknown action {action!r} in {text!r}; actions: {actions}",
                                 param_hint="--grant") from None


@user.command("add")
@click.argument("username")
@click.option("--organisation", metavar="CODE", help="Code of the organisation the account belongs to.")
@click.option("--operator", "is_operator", is_flag=True, help="Create a hub operator account (no organisation).")
@click.option("--role", "roles", multiple=True, type=click.Choice(ORGANISATION_ROLES),
              help="Role within the organisation (repeatable).")
@click.option("--grant", "grants", multiple=True, metavar="SERVICE:ACTION",
              help="Access to a service, such as wmo:send or wlz:registertoets (repeatable).")
@click.option("--email", metavar="ADDRESS", help="E-mail address; the link is mailed there when SMTP is set up.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of printing a link.")
@json_option
@pass_context
def user_add(context: CliContext, username, organisation, is_operator, roles, grants, email, password_stdin,
             as_json) -> None:
    """Create account USERNAME and print its one-time password-setup link (or set the password)."""
    if is_operator == bool(organisation):
        raise click.UsageError("give either --organisation CODE or --operator")
    if is_operator and roles:
        raise click.UsageError("a hub operator account takes no --role")
    if not is_operator and not roles:
        raise click.UsageError("give at least one --role")
    chosen_roles = {Role.OPERATOR} if is_operator else {Role(r) for r in roles}
    chosen_grants = {parse_grant(g) for g in grants}
    password = _read_password() if password_stdin else None

    identity = context.container.identity()
    issued = identity.invitations.invite(OPERATOR, organisation, chosen_roles, chosen_grants,
                                         username=username, email=email)
    if password is not None:
        account = identity.invitations.accept(issued.token, password)
        _print_activated(account, as_json)
        return
    _print_link(issued, as_json)


@user.command("list")
@click.option("--organisation", metavar="CODE", help="Only accounts of this organisation.")
@json_option
@pass_context
def user_list(context: CliContext, organisation: str | None, as_json: bool) -> None:
    """List accounts with their status, roles and grants."""
    accounts = context.container.identity().users.list(OPERATOR, organisation)
    if as_json:
        emit_json([user_dict(a) for a in accounts])
        return
    for account in accounts:
        click.echo(_line(account))


@user.command("disable")
@click.argument("username")
@json_option
@pass_context
def user_disable(context: CliContext, username: str, as_json: bool) -> None:
    """Disable account USERNAME and end all its sessions."""
    users = context.container.identity().users
    _print_user(users.disable(OPERATOR, users.find(OPERATOR, username).id), as_json)


@user.command("enable")
@click.argument("username")
@json_option
@pass_context
def user_enable(context: CliContext, username: str, as_json: bool) -> None:
    """Enable a disabled account USERNAME."""
    users = context.container.identity().users
    _print_user(users.enable(OPERATOR, users.find(OPERATOR, username).id), as_json)


@user.command("link")
@click.argument("username")
@json_option
@pass_context
def user_link(context: CliContext, username: str, as_json: bool) -> None:
    """Print a new one-time link for USERNAME: to finish an invitation, or to set a new password."""
    identity = context.container.identity()
    account = identity.users.find(OPERATOR, username)
    _print_link(identity.invitations.reissue(OPERATOR, account.id), as_json)


@user.command("reset-totp")
@click.argument("username")
@json_option
@pass_context
def user_reset_totp(context: CliContext, username: str, as_json: bool) -> None:
    """Remove the TOTP app and recovery codes of USERNAME; the next login enrols a new app."""
    users = context.container.identity().users
    _print_user(users.reset_second_factor(OPERATOR, users.find(OPERATOR, username).id), as_json)


def user_dict(account: User) -> dict:
    return {
        "user_id": account.id,
        "username": account.username,
        "organisation": account.organisation,
        "status": account.status,
        "roles": sorted(r.value for r in account.roles),
        "grants": sorted(f"{g.service}:{g.action.value}" for g in account.grants),
        "email": account.email,
        "created_at": account.created_at,
    }


def _read_password() -> str:
    line = sys.stdin.readline()
    password = line[:-1] if line.endswith("\n") else line
    if not password:
        raise click.UsageError("--password-stdin read no password from standard input")
    return password


def _line(account: User) -> str:
    details = user_dict(account)
    roles = ",".join(details["roles"])
    grants = ",".join(details["grants"]) or "-"
    return f"{account.username or '(not chosen yet)'}  {account.organisation or 'hub'}  {account.status.value}  " \
           f"{roles}  {grants}"


def _print_user(account: User, as_json: bool) -> None:
    if as_json:
        emit_json(user_dict(account))
    else:
        click.echo(_line(account))


def _print_activated(account: User, as_json: bool) -> None:
    if as_json:
        emit_json(user_dict(account))
        return
    click.echo(f"Account {account.username} is active. At the first login the person enrols a TOTP app.")


def _print_link(issued: IssuedInvitation, as_json: bool) -> None:
    if as_json:
        emit_json({**user_dict(issued.user), "link": issued.link, "link_expires_at": issued.expires_at,
                   "mailed": issued.mailed})
        return
    click.echo(f"Account {issued.user.username} is waiting for a password. Give the person this one-time link "
               f"(valid until {issued.expires_at.isoformat(timespec='minutes')}):")
    click.echo(f"  {issued.link}")
    if issued.mailed:
        click.echo(f"The link was also mailed to {issued.user.email}.")
