"""The StUF-GGk envelope XSDs, read from the folder the operator installs them in.

VNG publishes the XSDs per envelope version as a folder tree whose files include each
other by relative path (``../../0301/stuf0301.xsd``). The operator unpacks both packages
below one folder, keeping each package's tree. The hub finds each version's main file by
name anywhere below that folder and compiles it from its own place, so the relative
includes resolve. An import of anything but a local file is refused.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from adapters.soap.stuf.model import FO01_ENTRY, StufVersion
from core.cpa.schema import LocalFilesOnly, SchemaUnavailable, hardened_parser


class StufSchemas:
    """Compile each envelope XSD once, on first use, and share it between threads."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self._compiled: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()

    def envelope(self, version: StufVersion) -> etree.XMLSchema:
        """Return the XSD of the Di01 and Du01 envelopes of ``version``."""
        return self._schema(version.entry)

    def fo01(self) -> etree.XMLSchema:
        """Return the StUF 0301 XSD, which defines ``Fo01Bericht``."""
        return self._schema(FO01_ENTRY)

    def _schema(self, entry: str) -> etree.XMLSchema:
        with self._lock:
            if entry not in self._compiled:
                self._compiled[entry] = self._compile(entry)
            return self._compiled[entry]

    def _compile(self, entry: str) -> etree.XMLSchema:
        path = self._find(entry)
        parser = hardened_parser()
        parser.resolvers.add(LocalFilesOnly())
        try:
            return etree.XMLSchema(etree.parse(str(path), parser))
        except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
            raise SchemaUnavailable(f"StUF-GGk schema {path} does not compile: {error}") from None

    def _find(self, entry: str) -> Path:
        if not self.folder.is_dir():
            raise SchemaUnavailable(f"StUF-GGk schema folder {self.folder} does not exist; install the VNG "
                                    "StUF-GGk XSD packages there", params={"folder": str(self.folder)})
        found = sorted(self.folder.rglob(entry))
        if not found:
            raise SchemaUnavailable(f"StUF-GGk schema folder {self.folder} has no {entry}; install the VNG "
                                    "StUF-GGk XSD package that contains it", params={"folder": str(self.folder)})
        return found[0]
