"""Every URL of the portal and the API, in one table."""

from __future__ import annotations

import falcon

from adapters.web.portal import Portal
from adapters.web.resources import api, dashboard, health, login, mailbox, trace, upload


def add(app: falcon.App, portal: Portal) -> None:
    app.add_route("/health", health.HealthResource(portal))
    app.add_route("/logout", login.LogoutResource(portal))
    if portal.identity is not None:
        app.add_route("/login", login.LoginPage(portal))
        app.add_route("/login/code", login.SecondFactorPage(portal))
        app.add_route("/login/enrol", login.EnrolmentPage(portal))

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
