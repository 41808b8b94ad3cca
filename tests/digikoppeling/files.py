"""The iStandaarden files of the Digikoppeling tests: the real WMO301 example and a WMO302
that answers it, built from the real JW302 example (iWmo 3.2 has no WMO302 example or XSD,
so the hub checks its header only, under ``ingest.validation = "header"``)."""

from __future__ import annotations

import uuid

from tests.flow import messages
from tests.flow.reference import example

IJW = "http://www.istandaarden.nl/ijw/3_2/"
IWMO = "http://www.istandaarden.nl/iwmo/3_2/"


def wmo301(identificatie: str | None = None) -> bytes:
    """Return the real WMO301 (0384 to 42420001), with a fresh Identificatie unless one is given."""
    data = example("iwmo", "3.2", "WMO301").read()
    return messages.with_header(data, {"BerichtIdentificatie/Identificatie": identificatie or uuid.uuid4().hex[:12]})


def wmo302_for(heen: bytes) -> bytes:
    """Return a WMO302 (BerichtCode 415) that answers ``heen``, from the JW302 example's structure."""
    text = example("ijw", "3.2", "JW302").read().decode("utf-8")
    text = text.replace(f"{IJW}jw302/schema", f"{IWMO}wmo302/schema").replace(f"{IJW}basisschema/schema",
                                                                               f"{IWMO}basisschema/schema")
    text = text.replace("jw302:", "wmo302:").replace("xmlns:jw302", "xmlns:wmo302")
    text = text.replace("ijw:", "iwmo:").replace("xmlns:ijw", "xmlns:iwmo")
    retour = messages.with_header(text.encode("utf-8"), {"BerichtCode": "415"})
    return messages.retour_for(heen, retour)
