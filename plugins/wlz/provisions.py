"""The running or requested Wmo and Jeugd provisions of the gemeenten, per BSN.

Two sources: the list a gemeente uploads (a full list replaces its previous one), and the
toewijzingen (WMO301, JW301) and stops (WMO307, JW307) the hub routed.
"""

from __future__ import annotations

from pathlib import Path

import structlog

from core.model import Message, OrgKind
from core.ports import PayloadSource, Store
from core.principal import Action, Principal
from core import authz
from core.errors import NotAuthorised
from plugins.wlz import toewijzingen
from plugins.wlz.errors import RowCollector
from plugins.wlz.model import SERVICE, Provision, ProvisionEnd, ProvisionListReport
from plugins.wlz.ports import WlzStore
from plugins.wlz.provision_files import checked, read_provision_file, xml_provision_rows

log = structlog.get_logger(__name__)

LIST_MESSAGE_TYPE = "WLZVOORZIENINGEN"


class ProvisionService:
    def __init__(self, store: WlzStore, hub: Store):
        self._store = store
        self._hub = hub

    def import_list(self, principal: Principal, gemeente: str, path: Path) -> ProvisionListReport:
        """Replace the list of ``gemeente`` with the CSV or XML file ``path``, in one transaction.

        Raise NotAuthorised unless the principal may send wlz data for the gemeente,
        InvalidFile (WLZ005) or InvalidRows (WLZ004); then the previous list stays.
        """
        self._require_gemeente(principal, gemeente)
        stored, replaced = self._store.replace_provision_list(gemeente, read_provision_file(path, gemeente))
        log.info("wlz_provision_list_imported", gemeente=gemeente, rows=stored, replaced=replaced,
                 actor=principal.describe())
        return ProvisionListReport(gemeente, stored, replaced)

    def provisions(self, principal: Principal, gemeente: str) -> list[Provision]:
        self._require_gemeente(principal, gemeente)
        return self._store.provisions(gemeente)

    def messages_routed(self, routed: list[tuple[Message, PayloadSource]]) -> None:
        """Record the provisions a committed batch of messages tells of, in one transaction.

        An accepted provisions list replaces the gemeente's list; toewijzingen (301) add or
        change provisions and stop messages (307) end them. Other message types are ignored.
        """
        recorded, ended = [], []
        for message, payload in routed:
            if message.message_type == LIST_MESSAGE_TYPE:
                self._apply_list_message(message, payload)
            elif message.message_type in toewijzingen.TOEWIJZING_TYPES:
                recorded += self._toewijzing(message, payload)
            elif message.message_type in toewijzingen.STOP_TYPES:
                ended.append(self._stop(message, payload))
        if recorded or ended:
            found = self._store.apply_toewijzingen(recorded, ended)
            log.info("wlz_toewijzingen_recorded", messages=len(recorded), stops=len(ended), ends_found=found,
                     message_ids=[message_id for _, message_id in recorded + ended])

    def _apply_list_message(self, message: Message, payload: PayloadSource) -> None:
        # The ingest already checked the XSD, the sender and every row (ggk_check_message).
        gemeente = message.sender
        with payload.open() as stream:
            rows = checked(xml_provision_rows(stream), gemeente, RowCollector())
            stored, replaced = self._store.replace_provision_list(gemeente, rows)
        log.info("wlz_provision_list_received", gemeente=gemeente, rows=stored, replaced=replaced,
                 message_id=message.id)

    def _toewijzing(self, message: Message, payload: PayloadSource) -> list[tuple[list[Provision], str]]:
        with payload.open() as stream:
            client = toewijzingen.read_products(stream)
        if client.bsn is None:
            log.warning("wlz_toewijzing_skipped", message_id=message.id, reason="no valid client BSN")
            return []
        kind = toewijzingen.TOEWIJZING_TYPES[message.message_type]
        return [(toewijzingen.toegewezen(message.sender, kind, client), message.id)]

    def _stop(self, message: Message, payload: PayloadSource) -> tuple[list[ProvisionEnd], str]:
        with payload.open() as stream:
            client = toewijzingen.read_products(stream)
        kind = toewijzingen.STOP_TYPES[message.message_type]
        return toewijzingen.stopped(message.recipient, kind, client), message.id

    def _require_gemeente(self, principal: Principal, gemeente: str) -> None:
        organisation = self._hub.get_organisation(gemeente)
        if organisation is None or organisation.kind != OrgKind.GEMEENTE or SERVICE not in organisation.services():
            raise NotAuthorised(f"organisation {gemeente} is not found as a gemeente enrolled for wlz",
                                params={"organisation": gemeente})
        authz.require_act_for(principal, gemeente, SERVICE, Action.SEND)
