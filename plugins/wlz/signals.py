"""Wlz signalen: tell a gemeente when a resident with a running or requested provision gets,
ends or loses a Wlz indication.

A run compares the register with the provisions. It records each new signal under its
key (BSN, gemeente, indication period, kind of change), so no change is signalled twice.
Then it hands the signals in through the normal ingest as the chain partner IB: one
WLZSIGNAAL message per gemeente, split at ``max_signals`` signals. The gemeente gets them like any
other message (portal, file drop or webservice). A batch the hub refused stays pending
and is handed in again by the next run.
"""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from datetime import date

import structlog

from core.ingest import IngestService, Submission
from core.model import Channel, OrgKind
from core.ports import Clock, Store
from core.principal import Principal
from plugins.wlz.access import require_operator_or_partner
from plugins.wlz.dates import dutch_day
from plugins.wlz.errors import SignalSenderMissing
from plugins.wlz.model import REGISTER_SUPPLIER, SERVICE, SIGNAL_SENDER, Signal, SignalRunReport
from plugins.wlz.ports import SignalBatch, WlzStore
from plugins.wlz.signal_message import build_message

log = structlog.get_logger(__name__)

MAX_SIGNALS_PER_MESSAGE = 5_000
SUBMIT_CHUNK = 50


class SignalService:
    def __init__(self, store: WlzStore, hub: Store, ingest: IngestService, clock: Clock,
                 max_signals: int = MAX_SIGNALS_PER_MESSAGE):
        self._store = store
        self._hub = hub
        self._ingest = ingest
        self._clock = clock
        self._max_signals = max_signals

    def run(self, principal: Principal, today: date | None = None) -> SignalRunReport:
        """Record the new signals of ``today`` (default: the Dutch date now) and hand in every pending batch.

        Raise SignalSenderMissing (WLZ007) when the chain partner IB is not registered,
        active and enrolled for wlz.
        """
        require_operator_or_partner(principal, self._hub, (REGISTER_SUPPLIER, SIGNAL_SENDER))
        self._require_sender()
        day = today or dutch_day(self._clock.now())
        report = SignalRunReport(day)

        created = self._store.create_signal_batches(day, self._enrolled_gemeenten(), self._batcher(day))
        report.signals = sum(len(batch.signals) for batch in created)
        for batch in created:
            report.by_gemeente[batch.gemeente] = report.by_gemeente.get(batch.gemeente, 0) + len(batch.signals)
        self._hand_in(self._store.pending_signal_batches(), report)
        log.info("wlz_signals_run", peildatum=day.isoformat(), signals=report.signals, messages=report.messages,
                 rejected=len(report.rejected), actor=principal.describe())
        return report

    def _require_sender(self) -> None:
        sender = self._hub.get_organisation(SIGNAL_SENDER)
        if sender is None or not sender.active or SERVICE not in sender.services():
            raise SignalSenderMissing(
                f"the chain partner {SIGNAL_SENDER} that sends Wlz signalen is not registered, active and enrolled "
                f"for wlz; run: ggk org add --ketenpartner {SIGNAL_SENDER} --name Inlichtingenbureau --dienst wlz")

    def _enrolled_gemeenten(self) -> set[str]:
        return {org.code for org in self._hub.list_organisations()
                if org.kind == OrgKind.GEMEENTE and org.active and SERVICE in org.services()}

    def _batcher(self, day: date):
        def batches(signals: list[Signal]) -> list[SignalBatch]:
            by_gemeente: dict[str, list[Signal]] = defaultdict(list)
            for signal in signals:
                by_gemeente[signal.key.gemeente].append(signal)
            now = self._clock.now()
            made = []
            for gemeente in sorted(by_gemeente):
                found = by_gemeente[gemeente]
                for start in range(0, len(found), self._max_signals):
                    batch_id = uuid.uuid4()
                    made.append(SignalBatch(str(batch_id), gemeente, batch_id.hex[:12].upper(), day, now,
                                            tuple(found[start:start + self._max_signals])))
            return made

        return batches

    def _hand_in(self, pending: list[SignalBatch], report: SignalRunReport) -> None:
        sender = Principal.organisation_software(SIGNAL_SENDER, Channel.CLI)
        for start in range(0, len(pending), SUBMIT_CHUNK):
            chunk = pending[start:start + SUBMIT_CHUNK]
            submissions = [Submission(io.BytesIO(build_message(batch)), _filename(batch),
                                      source_ref=f"wlz-signalen:{batch.id}:{batch.attempt}") for batch in chunk]
            for batch, outcome in zip(chunk, self._ingest.submit_many(sender, submissions)):
                if outcome.accepted:
                    self._store.mark_batch_sent(batch.id, outcome.message_id, self._clock.now())
                    report.messages += 1
                    continue
                self._store.mark_batch_rejected(batch.id, outcome.code)
                report.rejected.append({"gemeente": batch.gemeente, "identificatie": batch.identificatie,
                                        "code": outcome.code, "detail": outcome.detail})
                log.warning("wlz_signal_message_rejected", gemeente=batch.gemeente, batch_id=batch.id,
                            code=outcome.code)


def _filename(batch: SignalBatch) -> str:
    return f"WLZSIGNAAL_{batch.gemeente}_{batch.dagtekening:%Y%m%d}_{batch.identificatie}.xml"
