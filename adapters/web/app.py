"""The portal and JSON API as one falcon WSGI app, built by ``create_app(container, settings)``.

Middleware, outermost first: security headers, language, session, CSRF. Pages are
server-rendered Jinja2 and work without JavaScript; static scripts only enhance them.
"""

from __future__ import annotations

from pathlib import Path

import falcon
import structlog
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from adapters.web.config import WebConfig, web_config
from adapters.web.errors import ErrorPages
from adapters.web.identity import IdentitySessions
from adapters.web.portal import Portal
from adapters.web.presentation import TEMPLATE_GLOBALS
from adapters.web.rendering import LanguageMiddleware, Renderer
from adapters.web.security import CsrfGuard, CsrfMiddleware, SecurityHeadersMiddleware
from adapters.web.sessions import NoSessions, SessionGateway, SessionMiddleware
from config.settings import Settings

log = structlog.get_logger(__name__)

STATIC = Path(__file__).parent / "static"


class CsrfTokenMiddleware:
    """Put this caller's CSRF token on ``req.context.csrf_token`` for forms and scripts."""

    def __init__(self, guard: CsrfGuard):
        self._guard = guard

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.context.csrf_token = ""
        if not req.path.startswith(("/static/", "/digikoppeling/")) and req.path != "/health":
            req.context.csrf_token = self._guard.token_for(req, resp)


def database_probe(container):
    """Return a function that checks whether the database responds to a trivial query."""

    def ready() -> bool:
        try:
            with container.engine().connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError as error:
            log.warning("health_database_unreachable", error=type(error).__name__)
            return False

    return ready


def build_portal(container, config: WebConfig, sessions: SessionGateway) -> Portal:
    renderer = Renderer(TEMPLATE_GLOBALS)
    return Portal(
        config=config,
        renderer=renderer,
        csrf=CsrfGuard(config.secret_key, config.secure_cookies),
        sessions=sessions,
        ingest=container.ingest(),
        mailbox=container.mailbox(),
        organisations=container.organisations(),
        plugins=container.plugins(),
        database_ready=database_probe(container),
        clock=container.clock(),
    )


def create_app(container, settings: Settings, *, sessions: SessionGateway | None = None,
               identity=None) -> falcon.App:
    """Build the WSGI app; ``sessions`` and ``identity`` come from the identity component."""
    config = web_config(settings)
    if sessions is None:
        sessions = IdentitySessions(identity, container.organisations()) if identity is not None else NoSessions()
    portal = build_portal(container, config, sessions)
    portal.identity = identity
    app = falcon.App(middleware=[
        SecurityHeadersMiddleware(config.trust_forwarded_proto),
        LanguageMiddleware(config.default_language, config.secure_cookies),
        SessionMiddleware(portal.sessions, config.secure_cookies),
        CsrfTokenMiddleware(portal.csrf),
        CsrfMiddleware(portal.csrf),
    ])
    app.req_options.strip_url_path_trailing_slash = True
    multipart = app.req_options.media_handlers[falcon.MEDIA_MULTIPART]
    # the files and the CSRF field, and at least the 4 fields of the Wlz registertoets form
    multipart.parse_options.max_body_part_count = max(config.max_upload_files + 1, 4)
    ErrorPages(portal.renderer).register(app)
    add_routes(app, portal)
    add_wlz_and_digikoppeling(app, portal, container)
    log.info("web_app_created", secure_cookies=config.secure_cookies, language=config.default_language)
    return app


def add_routes(app: falcon.App, portal: Portal) -> None:
    from adapters.web import routes

    app.add_static_route("/static", STATIC)
    routes.add(app, portal)


def add_wlz_and_digikoppeling(app: falcon.App, portal: Portal, container) -> None:
    """Add the Wlz pages, and mount the Digikoppeling endpoints (WUS registertoets and ebMS) on the same app."""
    from adapters.soap.wiring import add_digikoppeling_routes
    from adapters.soap.wus import add_wus_routes
    from adapters.web import routes

    routes.add_wlz(app, portal, container)
    add_wus_routes(app, container)
    add_digikoppeling_routes(app, container)
