"""Texts of the e-mails the identity use cases send, in Dutch with an English translation below."""

from __future__ import annotations

from datetime import datetime


def invitation_mail(link: str, expires_at: datetime, organisation: str | None) -> tuple[str, str]:
    """Return the subject and plain-text body of an invitation; the body contains the one-time link."""
    until = expires_at.strftime("%Y-%m-%d %H:%M UTC")
    where = f" voor organisatie {organisation}" if organisation else " als beheerder van het knooppunt"
    where_en = f" for organisation {organisation}" if organisation else " as a hub operator"
    subject = "Uitnodiging voor het Gemeentelijk Gegevensknooppunt / Invitation to the GGk"
    body = (
        f"U bent uitgenodigd{where} op het Gemeentelijk Gegevensknooppunt (GGk).\n"
        f"Open deze link en kies een wachtwoord. De link werkt één keer en tot {until}:\n\n"
        f"{link}\n\n"
        "Bij de eerste keer inloggen koppelt u een app voor eenmalige codes (TOTP).\n\n"
        "---\n\n"
        f"You have been invited{where_en} to the Gemeentelijk Gegevensknooppunt (GGk).\n"
        f"Open this link and choose a password. The link works once and until {until}:\n\n"
        f"{link}\n\n"
        "At your first login you link an app for one-time codes (TOTP).\n"
    )
    return subject, body
