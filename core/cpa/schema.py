"""Loading the OASIS and W3C XSDs that the operator installs, without touching the network.

The CPPA 2.0 and ebMS 2.0 schema files carry no licence text of their own, so the product
does not ship them. The operator installs them in one folder, and the parsers take that
folder as a constructor argument. docs/digikoppeling.md lists the files.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import urlparse

from lxml import etree

from core.errors import GgkError

CPPA_ENTRY = "cpp-cpa-2_0.xsd"
CPPA_FILES = (CPPA_ENTRY, "xmldsig-core-schema.xsd", "xlink.xsd", "xml.xsd")
EBMS_ENTRY = "msg-header-2_0.xsd"
EBMS_FILES = (EBMS_ENTRY, "envelope.xsd", "xmldsig-core-schema.xsd", "xlink.xsd", "xml.xsd")


class SchemaUnavailable(GgkError):
    """The schema folder lacks a file or contains one that does not compile, so an operator must fix it."""

    code = "GGK500"


class LocalFilesOnly(etree.Resolver):
    """Refuse every import or include that points outside the local file system."""

    def resolve(self, system_url, public_id, context):
        scheme = urlparse(system_url or "").scheme
        if scheme in ("", "file"):
            return None
        raise SchemaUnavailable(f"schema import {system_url!r} is not a local file; install it in the schema folder")


def hardened_parser() -> etree.XMLParser:
    """Return a parser that expands no entity, loads no DTD and reaches no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
    )


class SchemaFolder:
    """A folder of XSD files; each schema is compiled once, on first use, and then shared."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._compiled: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()

    def schema(self, entry: str, required: tuple[str, ...]) -> etree.XMLSchema:
        """Return the compiled schema whose main file is ``entry``; raise SchemaUnavailable when it cannot be built."""
        with self._lock:
            if entry not in self._compiled:
                self._compiled[entry] = self._compile(entry, required)
            return self._compiled[entry]

    def _compile(self, entry: str, required: tuple[str, ...]) -> etree.XMLSchema:
        missing = [name for name in required if not (self.folder / name).is_file()]
        if missing:
            raise SchemaUnavailable(
                f"schema folder {self.folder} lacks {', '.join(missing)}; install the OASIS/W3C XSDs there",
                params={"folder": str(self.folder), "missing": missing},
            )

        parser = hardened_parser()
        parser.resolvers.add(LocalFilesOnly())
        try:
            document = etree.parse(str(self.folder / entry), parser)
            return etree.XMLSchema(document)
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
            raise SchemaUnavailable(f"schema {self.folder / entry} does not compile: {error}") from None
