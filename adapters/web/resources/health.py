"""``GET /health`` for load balancers: the process answers and can reach its database."""

from __future__ import annotations

import falcon

from adapters.web.portal import Portal


class HealthResource:
    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        reachable = self._portal.database_ready()
        resp.status = falcon.HTTP_200 if reachable else falcon.HTTP_503
        resp.media = {"status": "ok" if reachable else "unavailable",
                      "database": "reachable" if reachable else "unreachable"}
