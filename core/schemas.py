"""Schema releases: import an XSD set, activate it per namespace, compile it once per process."""

from __future__ import annotations

import hashlib
import shutil
import threading
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import structlog
from lxml import etree

from core import authz
from core.errors import InvalidRequest
from core.messagetypes import parse_namespace
from core.model import SchemaSet
from core.ports import Clock, SchemaActivation, Store
from core.principal import Principal
from core.xmlread import hardened_options

log = structlog.get_logger(__name__)

MAX_SCHEMA_FILE = 5 * 1024 * 1024
XSD_NAMESPACE = "http://www.w3.org/2001/XMLSchema"


class _MemoryResolver(etree.Resolver):
    """Serve ``schemaLocation`` imports from the set's own files, matching names case-insensitively."""

    def __init__(self, files: dict[str, bytes]):
        super().__init__()
        self._files = {name.lower(): content for name, content in files.items()}

    def resolve(self, url, pubid, context):
        name = (url or "").replace("\\", "/").rsplit("/", 1)[-1].lower()
        if name in self._files:
            return self.resolve_string(self._files[name], context, base_url=name)
        return None


def read_schema_files(path: Path) -> dict[str, bytes]:
    """Read every ``.xsd`` from a folder (recursively) or a zip, keyed by file name."""
    if path.is_dir():
        items = [(p.name, p.read_bytes) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() == ".xsd"]
        return _unique(items, path)
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".xsd")]
            for info in infos:
                if info.file_size > MAX_SCHEMA_FILE:
                    raise InvalidRequest(f"{info.filename} in {path} is larger than {MAX_SCHEMA_FILE} bytes")
            return _unique([(Path(i.filename).name, lambda i=i: archive.read(i)) for i in infos], path)
    raise InvalidRequest(f"{path} is neither a folder nor a zip file", params={"path": str(path)})


def _unique(items, origin: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for name, read in items:
        if name.lower() in (n.lower() for n in files):
            raise InvalidRequest(f"{origin} contains two files named {name}")
        files[name] = read()
    if not files:
        raise InvalidRequest(f"{origin} contains no .xsd file", params={"path": str(origin)})
    return files


def compile_schema(name: str, files: dict[str, bytes]) -> etree.XMLSchema:
    parser = etree.XMLParser(**hardened_options())
    parser.resolvers.add(_MemoryResolver(files))
    document = etree.fromstring(files[name], parser, base_url=name)
    return etree.XMLSchema(document)


def message_namespaces(files: dict[str, bytes]) -> dict[str, str]:
    """Return {message namespace: file name} for every iStandaarden message XSD in the set."""
    found: dict[str, str] = {}
    for name, content in files.items():
        try:
            root = etree.fromstring(content, etree.XMLParser(**hardened_options()))
        except etree.XMLSyntaxError as error:
            raise InvalidRequest(f"{name} is not well-formed XML: {error}") from None
        if etree.QName(root).namespace != XSD_NAMESPACE:
            raise InvalidRequest(f"{name} is not an XML Schema document")
        namespace = root.get("targetNamespace")
        if parse_namespace(namespace) is not None:
            found[namespace] = name
    return found


@dataclass
class ActiveSchema:
    """The compiled XSD active for one namespace, and where its files lie on disk."""

    schema: etree.XMLSchema
    schema_set_id: str  # an imported set's id, or "bundled:<hash>" for a plugin's own XSD
    file_name: str
    _catalog: "SchemaCatalog"
    folder: Path | None = None  # where a bundled XSD lies

    def xsd_path(self) -> Path:
        """Write the set's files to the cache folder (once) and return the message XSD's path."""
        if self.folder is not None:
            return self.folder / self.file_name
        return self._catalog.materialise(self.schema_set_id) / self.file_name


class SchemaCatalog:
    """Installed schema releases, compiled lazily and cached per process.

    The cache is rebuilt when the store's schema generation changes, so an import in one
    hub process takes effect in the others at their next file.
    """

    def __init__(
        self, store: Store, clock: Clock, cache_dir: Path | None = None,
        bundled: "Callable[[str], Path | None] | None" = None,
    ):
        self._store = store
        self._clock = clock
        self._cache_dir = cache_dir
        self._bundled = bundled
        self._lock = threading.Lock()
        self._generation = -1
        self._active: dict[str, str] = {}
        self._compiled: dict[str, ActiveSchema] = {}

    def import_release(self, principal: Principal, path: Path) -> SchemaSet:
        authz.require_operator(principal)
        files = read_schema_files(path)
        namespaces = message_namespaces(files)
        if not namespaces:
            raise InvalidRequest(f"{path} holds no iStandaarden message XSD (no .../<standard>/<release>/<type>/schema namespace)")
        for namespace, name in namespaces.items():
            try:
                compile_schema(name, files)
            except etree.XMLSchemaParseError as error:
                raise InvalidRequest(f"{name} does not compile: {error}", params={"file": name}) from None

        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode() + b"\0" + files[name] + b"\0")
        schema_set = SchemaSet(
            id=str(uuid.uuid4()),
            imported_at=self._clock.now(),
            source=str(path),
            namespaces=tuple(sorted(namespaces)),
            sha256=digest.hexdigest(),
        )
        self._store.add_schema_set(schema_set, files)
        log.info("schema_set_imported", schema_set_id=schema_set.id, namespaces=len(namespaces), actor=principal.describe())
        return schema_set

    def list_sets(self) -> list[SchemaSet]:
        return self._store.list_schema_sets()

    def activations(self) -> list[SchemaActivation]:
        return self._store.schema_activations()

    def active_set_for(self, namespace: str) -> str | None:
        self._refresh()
        return self._active.get(namespace)

    def schema_for(self, namespace: str, *, refresh: bool = True) -> ActiveSchema | None:
        """Return the compiled XSD active for ``namespace``, or None when no set provides it.

        ``refresh=False`` skips the check for a newer activation, for a caller that
        called ``refresh()`` at the start of its batch.
        """
        if refresh:
            self._refresh()
        set_id = self._active.get(namespace)
        if set_id is None:
            return self._bundled_schema(namespace)
        key = f"{set_id} {namespace}"
        with self._lock:
            active = self._compiled.get(key)
            if active is None:
                files = self._store.schema_files(set_id)
                name = message_namespaces(files)[namespace]
                active = ActiveSchema(compile_schema(name, files), set_id, name, self)
                self._compiled[key] = active
        return active

    def _bundled_schema(self, namespace: str) -> ActiveSchema | None:
        """Compile the XSD a plugin ships for ``namespace``, when no installed set covers it."""
        path = self._bundled(namespace) if self._bundled else None
        if path is None:
            return None
        key = f"bundled {namespace}"
        with self._lock:
            active = self._compiled.get(key)
            if active is None:
                files = {p.name: p.read_bytes() for p in path.parent.glob("*.xsd")}
                digest = hashlib.sha256(b"".join(files[name] for name in sorted(files))).hexdigest()
                active = ActiveSchema(compile_schema(path.name, files), f"bundled:{digest[:28]}", path.name, self,
                                      folder=path.parent)
                self._compiled[key] = active
        return active

    def materialise(self, schema_set_id: str) -> Path:
        """Write a set's files below the cache folder, atomically, and return that folder."""
        if self._cache_dir is None:
            raise InvalidRequest("no schema cache folder is configured")
        target = self._cache_dir / schema_set_id
        if target.is_dir():
            return target
        staging = self._cache_dir / f".{schema_set_id}.{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        for name, content in self._store.schema_files(schema_set_id).items():
            (staging / name).write_bytes(content)
            if name != name.lower():  # imports name the basisschema in lower case
                (staging / name.lower()).write_bytes(content)
        try:
            staging.rename(target)
        except OSError:  # another process materialised it first
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def refresh(self) -> None:
        """Pick up schema sets activated since the last look, by this or another process."""
        self._refresh()

    def _refresh(self) -> None:
        generation = self._store.schema_generation()
        if generation == self._generation:
            return
        with self._lock:
            active: dict[str, str] = {}
            for activation in self._store.schema_activations():
                active[activation.namespace] = activation.schema_set_id
            self._active = active
            self._generation = generation
