"""What one pass of the file drop did, for logs, tests and monitoring."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class PassReport:
    organisations: int = 0  # organisation folders scanned
    waiting: int = 0  # files in uit/ not yet settled
    claimed: int = 0  # files taken from uit/ in this pass
    recovered: int = 0  # files taken up again from .ggk/claimed/ (crash, failed move or failed hand-in)
    busy_elsewhere: int = 0  # claimed files skipped because another hub process holds or took them
    accepted: int = 0  # moved to verzonden/
    rejected: int = 0  # moved to afgekeurd/ with a report
    unmovable: int = 0  # handled by the hub but left in .ggk/claimed/ because the move failed
    submit_failures: int = 0  # files left in .ggk/claimed/ because the hand-in to the hub failed
    claim_failures: int = 0  # files that could not be renamed out of uit/
    lock_failures: int = 0  # claimed files left alone because the filesystem refused a lock
    delivered: int = 0  # files written to an in/ folder
    delivery_failures: int = 0  # deliveries put back for a later attempt
    undeliverable: int = 0  # deliveries given up after the maximum number of attempts
    more_waiting: bool = False  # a batch limit was reached, so the next pass should start at once

    def made_progress(self) -> bool:
        """Return whether any file was moved or delivered, so a loop does not spin on failures."""
        return self.accepted + self.rejected + self.delivered > 0

    def as_dict(self) -> dict:
        return asdict(self)
