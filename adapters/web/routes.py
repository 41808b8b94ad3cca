"""Every URL of the portal and the API, in one table."""

from __future__ import annotations

import falcon

from adapters.web.portal import Portal
from adapters.web.resources import api, dashboard, health, login, mailbox, trace, upload


def add(app: falcon.App, portal: Portal) -> None:
    app.add_route("/health", health.HealthResource(portal))
    app.add_route("/logout", login.LogoutResource(portal))
    app.add_route("/api/csrf", api.CsrfApi())
    if portal.identity is not None:
        add_identity(app, portal)

    app.add_route("/", dashboard.DashboardPage(portal))
    app.add_route("/upload", upload.UploadPage(portal))
    app.add_route("/inbox", mailbox.MailboxPage(portal, "inbox"))
    app.add_route("/sent", mailbox.MailboxPage(portal, "sent"))
    app.add_route("/download", mailbox.DownloadSelection(portal))
    app.add_route("/trace", trace.TraceSearchPage(portal))
    app.add_route("/messages/{message_id}", trace.MessagePage(portal))
    app.add_route("/messages/{message_id}/file", mailbox.MessageFile(portal))

    app.add_route("/api/openapi.json", api.OpenApiDocument())
    app.add_route("/api/session", api.SessionApi(portal))
    app.add_route("/api/overview", api.OverviewApi(portal))
    app.add_route("/api/messages", api.MessagesApi(portal))
    app.add_route("/api/messages/{message_id}", api.MessageApi(portal))
    app.add_route("/api/messages/{message_id}/file", mailbox.MessageFile(portal))
    app.add_route("/api/downloads", api.DownloadsApi(portal))


def add_identity(app: falcon.App, portal: Portal) -> None:
    """Add the login, account, sign-up and audit pages and their API, which need the identity component."""
    from adapters.web.resources import audit, identity_api, invitations, signups, users

    app.add_route("/login", login.LoginPage(portal))
    app.add_route("/login/code", login.SecondFactorPage(portal))
    app.add_route("/login/enrol", login.EnrolmentPage(portal))

    app.add_route("/users", users.UsersPage(portal))
    app.add_route("/users/new", users.InvitePage(portal))
    app.add_route("/users/{user_id}", users.UserPage(portal))
    app.add_route("/users/{user_id}/{action}", users.UserAction(portal))
    app.add_route("/invitations/{token}", invitations.InvitationPage(portal))
    app.add_route("/signup", signups.SignupPage(portal))
    app.add_route("/applications", signups.ApplicationsPage(portal))
    application = signups.ApplicationPage(portal)
    app.add_route("/applications/{signup_id}", application)
    app.add_route("/applications/{signup_id}/{decision}", application, suffix="decision")
    app.add_route("/audit", audit.AuditLogPage(portal))

    app.add_route("/api/users", identity_api.UsersApi(portal))
    app.add_route("/api/users/{user_id}", identity_api.UserApi(portal))
    app.add_route("/api/users/{user_id}/{action}", identity_api.UserActionApi(portal))
    app.add_route("/api/invitations/{token}", identity_api.InvitationApi(portal))
    app.add_route("/api/signups", identity_api.SignupsApi(portal))
    signup = identity_api.SignupApi(portal)
    app.add_route("/api/signups/{signup_id}", signup)
    app.add_route("/api/signups/{signup_id}/{decision}", signup, suffix="decision")
    app.add_route("/api/audit", identity_api.AuditApi(portal))


def add_wlz(app: falcon.App, portal: Portal, container) -> None:
    """Add the Wlz registertoets and signal pages and the API call, when the wlz plugin is loaded."""
    from adapters.web.resources import wlz
    from plugins.wlz.services import WlzServices

    if "wlz" not in container.plugins().services():
        return
    toets = wlz.Registertoets(portal, WlzServices.from_context(container.plugin_context()))
    app.add_route("/wlz/registertoets", wlz.RegistertoetsPage(toets))
    app.add_route("/wlz/registertoets/csv", wlz.RegistertoetsCsv(toets))
    app.add_route("/wlz/signalen", wlz.SignalsPage(portal))
    app.add_route("/api/wlz/registertoets", wlz.RegistertoetsApi(toets))
