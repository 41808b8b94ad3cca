"""``ggk demo``: a hub on SQLite, a gemeente and an aanbieder, a JW301 and its JW302 retour."""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import click

from adapters.cli.context import CliContext, pass_context
from adapters.cli.output import emit_json, event_dict, json_option, message_dict, shown_time
from adapters.cli.demo_messages import retour_on_toewijzing, toewijzing
from config.settings import SETTINGS_FILE, default_file_text, load_settings
from core.ingest import Submission
from core.model import Channel, OrgKind
from core.principal import Principal

GEMEENTE = ("0363", "Gemeente Demodam")
AANBIEDER = ("12345678", "Jeugdzorg Demo B.V.")
OPERATOR = Principal.operator(Channel.CLI)
DEMO_OPERATOR = "beheerder"


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option("--keep", "keep", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the demo hub in this folder (to run 'ggk serve' on it later).")
@click.option("--schemas", "schemas", type=click.Path(exists=True, path_type=Path),
              help="Import the XSD release(s) in this folder or zip first and validate fully.")
@json_option
@pass_context
def demo(context: CliContext, keep: Path | None, schemas: Path | None, as_json: bool) -> None:
    """Run a demo hub: a JW301 is handed in and delivered, a JW302 retour follows, and both are traced."""
    data_dir = keep or Path(tempfile.mkdtemp(prefix="ggk-demo-"))
    _refuse_real_hub(data_dir)
    container = _prepare_hub(data_dir, header_only=schemas is None)
    _ = context.gettext()
    say = (lambda text: None) if as_json else click.echo

    say(_("Demo hub in {path} (SQLite).").format(path=data_dir.resolve()))
    imported = [container.catalog().import_release(OPERATOR, folder) for folder in _release_folders(schemas)] if schemas else []
    if imported:
        say(_("Imported {count} schema release(s); files are validated against their XSD.").format(count=len(imported)))
    else:
        say(_("No schema release imported: the demo checks headers only, NOT against the XSD. "
              "Use --schemas PATH to validate fully."))

    organisations = container.organisations()
    for kind, (code, name) in ((OrgKind.GEMEENTE, GEMEENTE), (OrgKind.AANBIEDER, AANBIEDER)):
        if container.store().get_organisation(code) is None:
            organisations.add(OPERATOR, kind, code, name, ["jw", "wmo"], [Channel.PORTAL])
    say(_("Organisations: gemeente {gemeente}, aanbieder {aanbieder}.").format(gemeente=GEMEENTE[0], aanbieder=AANBIEDER[0]))

    result = _exchange(container, say, _, container.settings().get("ui", "timezone"))
    operator = _demo_operator(container)
    if operator is not None:
        say("")
        say(_("Portal login of the demo hub operator (start it with: ggk --data-dir {path} serve):").format(
            path=data_dir.resolve()))
        say(_("  username: {username}").format(username=operator["username"]))
        say(_("  password: {password}").format(password=operator["password"]))
        say(_("  second factor (TOTP) secret: {secret}").format(secret=operator["totp_secret"]))
        say(_("  add the secret to an authenticator app, or print a code with:"))
        say(f"  {sys.executable} -c \"import pyotp; print(pyotp.TOTP('{operator['totp_secret']}').now())\"")
    if as_json:
        emit_json({"data_dir": str(data_dir.resolve()), "schema_sets": [s.id for s in imported],
                   "operator": operator, **result})
    if not result["ok"]:
        sys.exit(1)


DEMO_MARKER = ".ggk-demo"


def _refuse_real_hub(data_dir: Path) -> None:
    """Stop unless ``data_dir`` is new, empty or an earlier demo: the demo writes test traffic."""
    if not data_dir.exists() or (data_dir / DEMO_MARKER).exists() or not any(data_dir.iterdir()):
        return
    raise click.UsageError(f"{data_dir} is not empty and holds no demo hub; the demo only writes into a new or "
                           f"empty folder, so that its test messages never reach a real hub")


def _prepare_hub(data_dir: Path, header_only: bool):
    from adapters.cli.runtime import configure_logging
    from adapters.storage import create_engine_for, migrate
    from config.container import build_container

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DEMO_MARKER).touch()
    settings_file = data_dir / SETTINGS_FILE
    if not settings_file.exists():
        values = {("ingest", "validation"): "header"} if header_only else {}
        settings_file.write_text(default_file_text(values), encoding="utf-8")
    settings = load_settings(data_dir, str(settings_file))
    configure_logging(settings)
    for key in ("payloads", "filedrop", "cache"):
        settings.path(key).mkdir(parents=True, exist_ok=True)
    migrate(create_engine_for(settings.database_url))
    return build_container(settings)


def _release_folders(path: Path) -> list[Path]:
    """Return ``path`` itself, or each folder below it that directly contains .xsd files."""
    if path.is_file() or any(p.suffix.lower() == ".xsd" for p in path.iterdir()):
        return [path]
    return sorted({p.parent for p in path.rglob("*.xsd")})


def _exchange(container, say, _, timezone_name: str) -> dict:
    ingest, mailbox = container.ingest(), container.mailbox()
    gemeente = Principal.organisation_software(GEMEENTE[0], Channel.PORTAL)
    aanbieder = Principal.organisation_software(AANBIEDER[0], Channel.PORTAL)
    today = date.today()
    identificatie = f"D{today:%y%m%d}{_counter(container):05d}"  # at most 12 characters

    heen = ingest.submit(gemeente, Submission(io.BytesIO(toewijzing(
        GEMEENTE[0], AANBIEDER[0], identificatie, today.isoformat(), (today + timedelta(days=180)).isoformat())),
        "JW301_demo.xml"))
    say(_("JW301 handed in by the gemeente: {status} {id} {code}").format(
        status=_status_word(_, heen), id=heen.message_id, code=heen.code or ""))
    if not heen.accepted:
        return {"ok": False, "heen": heen.as_dict()}

    inbox = mailbox.inbox(aanbieder, AANBIEDER[0])
    say(_("Aanbieder's inbox holds {count} message(s).").format(count=len(inbox)))
    message, stream = mailbox.fetch(aanbieder, heen.message_id)
    stream.close()
    say(_("Aanbieder downloaded {id}.").format(id=message.id))

    retour = ingest.submit(aanbieder, Submission(io.BytesIO(retour_on_toewijzing(
        GEMEENTE[0], AANBIEDER[0], identificatie, today.isoformat(), f"R{identificatie[1:]}")), "JW302_demo.xml"))
    say(_("JW302 retour handed in by the aanbieder: {status} {id} {code}").format(
        status=_status_word(_, retour), id=retour.message_id, code=retour.code or ""))

    trace = mailbox.trace(Principal.operator(Channel.CLI), heen.message_id)
    say("")
    say(_("Track & trace of the JW301:"))
    for event in trace.events:
        say(f"  {shown_time(event.at, timezone_name)}  {event.state.value:16} {event.detail or ''}")
    if trace.retour:
        say(_("  linked retour: {id} ({type}) to {recipient}").format(
            id=trace.retour.id, type=trace.retour.message_type, recipient=trace.retour.recipient))
    return {"ok": retour.accepted and trace.retour is not None, "heen": heen.as_dict(), "retour": retour.as_dict(),
            "trace": {"message": message_dict(trace.message), "events": [event_dict(e) for e in trace.events],
                      "retour": message_dict(trace.retour) if trace.retour else None}}


def _demo_operator(container) -> dict | None:
    """Create the demo's hub operator with a password and an enrolled second factor.

    The enrolment uses the code of the previous 30-second step, so the code an
    authenticator shows now is still unused and logs in at once.
    """
    import secrets
    from datetime import datetime, timedelta, timezone

    import pyotp

    from core.principal import Role

    identity = container.identity()
    if any(user.username == DEMO_OPERATOR for user in identity.users.list(OPERATOR)):
        return None  # kept from an earlier run: its password was printed then
    password = secrets.token_urlsafe(12)
    issued = identity.invitations.invite(OPERATOR, None, {Role.OPERATOR}, username=DEMO_OPERATOR)
    identity.invitations.accept(issued.token, password)
    started = identity.login.verify_password(DEMO_OPERATOR, password)
    secret = identity.login.start_totp_enrolment(started.login_token).secret
    previous_step = datetime.now(timezone.utc) - timedelta(seconds=30)
    logged_in = identity.login.finish_totp_enrolment(started.login_token, pyotp.TOTP(secret).at(previous_step))
    identity.logout(logged_in.session_token)
    return {"username": DEMO_OPERATOR, "password": password, "totp_secret": secret,
            "recovery_codes": list(logged_in.recovery_codes)}


def _status_word(_, outcome) -> str:
    return _("accepted") if outcome.accepted else _("rejected")


def _counter(container) -> int:
    from core.ports import MessageQuery

    return len(container.store().list_messages(MessageQuery(organisation=GEMEENTE[0], role="sender", limit=1000))) + 1
