"""Digikoppeling WUS services of the hub: the Wlz registertoets at ``/digikoppeling/wus/registertoets``.

``add_wus_routes(app, container)`` mounts them on the falcon app that ``create_app`` builds.
"""

from __future__ import annotations

import structlog

log = structlog.get_logger(__name__)

REGISTERTOETS_PATH = "/digikoppeling/wus/registertoets"


def add_wus_routes(app, container) -> None:
    """Mount the WUS registertoets when the wlz plugin is loaded; it starts the plugins if needed."""
    from adapters.soap.wus.resource import RegistertoetsResource
    from plugins.wlz.services import WlzServices

    if "wlz" not in container.plugins().services():
        log.info("wus_registertoets_not_mounted", reason="the wlz plugin is not loaded")
        return
    services = WlzServices.from_context(container.plugin_context())
    oin_header = container.settings().get("wlz", "wus_oin_header") or None
    app.add_route(REGISTERTOETS_PATH, RegistertoetsResource(services.registertoets, container.store(), oin_header))
    log.info("wus_registertoets_mounted", path=REGISTERTOETS_PATH, oin_header=oin_header)
