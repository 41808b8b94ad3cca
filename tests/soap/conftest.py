from __future__ import annotations

import pytest

from adapters.soap.ebms.envelope import EnvelopeReader
from tests.cpa.reference import parse_reference_cpa, schema_folder


@pytest.fixture(scope="session")
def reader() -> EnvelopeReader:
    return EnvelopeReader(schema_folder())


@pytest.fixture(scope="session")
def sync_cpa():
    """The CPA the reference messages name: Logius (DIGIPOORT) and Overheid, synchronous signals."""
    return parse_reference_cpa("cpaStubEBF.rm.http.unsigned.sync.xml")
