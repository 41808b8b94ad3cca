"""The Wlz pages: the registertoets (one BSN or a batch file), the Wlz signals, and the API call.

The menu shows the registertoets only to users with the grant (wlz, registertoets). Core
checks that grant and the organisation's enrolment on every request, and audits it. BSNs are never logged: errors name line numbers or positions, never a BSN.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

import falcon

from adapters.i18n.catalog import N_
from adapters.web.errors import PortalError
from adapters.web.portal import Portal, signed_in, viewed_organisation
from adapters.web.security import CSRF_FIELD, CsrfError
from core.errors import InvalidRequest, NotAuthorised
from core.model import Message
from core.ports import MessageQuery
from core.principal import Action, Grant, Principal
from plugins.wlz.bsn import is_valid_bsn
from plugins.wlz.dates import dutch_day
from plugins.wlz.errors import BatchSizeInvalid, InvalidBsn, InvalidPeildatum
from plugins.wlz.model import ToetsAnswer
from plugins.wlz.services import WlzServices

SERVICE = "wlz"
SIGNAL_TYPE = "WLZSIGNAAL"
REGISTERTOETS_GRANT = Grant(SERVICE, Action.REGISTERTOETS)
SIGNALS_GRANT = Grant(SERVICE, Action.RECEIVE)
MAX_FILE_BYTES = 1024 * 1024  # 10,000 BSNs of nine digits take about 110 kB
MAX_LISTED_LINES = 10
SIGNALS_PAGE = 100
DAY_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
FILE_FIELD = "bestand"


def holds(principal: Principal, grant: Grant) -> bool:
    """Return whether a user principal has ``grant``; organisation software (grants None) has every grant."""
    return principal.organisation is not None and (principal.grants is None or grant in principal.grants)


def require_registertoets(principal: Principal) -> None:
    if not holds(principal, REGISTERTOETS_GRANT):
        raise NotAuthorised(f"{principal.describe()} may not ask the Wlz registertoets")


@dataclass
class Question:
    """A registertoets request from the form: the BSNs (never logged), the peildatum and the error per field."""

    bsns: list[str] = field(default_factory=list)
    peildatum: str = ""
    single: str = ""
    errors: dict[str, tuple[str, dict]] = field(default_factory=dict)
    batch: bool = False


def check_peildatum(text: str) -> tuple[str, dict] | None:
    """Return the error of a peildatum that is not an existing day YYYY-MM-DD; None when it is one."""
    if not DAY_PATTERN.fullmatch(text):
        return N_("Enter the peildatum as a date, for example 2026-12-01."), {}
    try:
        date.fromisoformat(text)
    except ValueError:
        return N_("The peildatum %(day)s does not exist. Check the day and the month."), {"day": text}
    return None


def read_bsn_lines(data: bytes) -> tuple[list[str], list[int]]:
    """Return the BSNs of a text or CSV file (the first column, one per line) and the lines of invalid ones.

    Blank lines are skipped, and so is a first line without digits (a header such as ``bsn``).
    """
    text = data.decode("utf-8-sig", errors="replace")
    found: list[str] = []
    invalid: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = next(csv.reader([line], delimiter=";" if ";" in line else ","), [""])
        value = (cells[0] if cells else "").strip().strip('"')
        if not value:
            continue
        if number == 1 and not any(character.isdigit() for character in value):
            continue
        if not is_valid_bsn(value):
            invalid.append(number)
        found.append(value)
    return found, invalid


def answer_rows(answer: ToetsAnswer) -> list[dict]:
    """Return one row per BSN asked, with its periods as (soort, ingangsdatum, einddatum) texts."""
    rows = []
    for result in answer.results:
        rows.append({"bsn": result.bsn, "indicatie": result.indicatie,
                     "perioden": [(p.soort.value, p.ingangsdatum.isoformat(),
                                   p.einddatum.isoformat() if p.einddatum else "") for p in result.perioden]})
    return rows


def answer_csv(answer: ToetsAnswer) -> bytes:
    """Return the result as a CSV (``;``-separated, UTF-8 with BOM): one line per period, or one without."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["bsn", "peildatum", "indicatie", "soort", "ingangsdatum", "einddatum"])
    day = answer.peildatum.isoformat()
    for result in answer.results:
        if not result.perioden:
            writer.writerow([result.bsn, day, "nee", "", "", ""])
        for period in result.perioden:
            writer.writerow([result.bsn, day, "ja", period.soort.value, period.ingangsdatum.isoformat(),
                             period.einddatum.isoformat() if period.einddatum else ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def answer_json(answer: ToetsAnswer) -> dict:
    return {"peildatum": answer.peildatum.isoformat(),
            "results": [{"bsn": result.bsn, "indicatie": result.indicatie,
                         "perioden": [{"soort": p.soort.value, "ingangsdatum": p.ingangsdatum.isoformat(),
                                       "einddatum": p.einddatum.isoformat() if p.einddatum else None}
                                      for p in result.perioden]}
                        for result in answer.results]}


def api_error(error: InvalidRequest, limit: int) -> PortalError:
    """Return the PortalError (HTTP 400, the Wlz code) that explains a refused registertoets in the caller's language."""
    if isinstance(error, InvalidBsn):
        positions = ", ".join(str(position) for position in error.params.get("positions", []))
        message = (N_("%(count)s BSN(s) do not pass the elfproef, at position(s) %(positions)s."),
                   {"count": error.params.get("count", 1), "positions": positions})
        return PortalError(400, error.code, message[0], message[1], fields={"bsns": message})
    if isinstance(error, InvalidPeildatum):
        message = N_("Enter the peildatum as a date, for example 2026-12-01.")
        return PortalError(400, error.code, message, fields={"peildatum": message})
    if isinstance(error, BatchSizeInvalid):
        message = (N_("Give from 1 to %(limit)s BSNs."), {"limit": limit})
        return PortalError(400, error.code, message[0], message[1], fields={"bsns": message})
    return PortalError(400, error.code)


def ask_or_explain(toets: "Registertoets", principal: Principal, bsns: list[str], peildatum: str | None) -> ToetsAnswer:
    """Return the result of the registertoets; raise a PortalError with a clear text when core rejects the request."""
    try:
        return toets.services.registertoets.toets(principal, bsns, peildatum)
    except (InvalidBsn, InvalidPeildatum, BatchSizeInvalid) as error:
        raise api_error(error, toets.batch_limit) from None


class Registertoets:
    """Ask core, turning its Wlz errors into form errors; ``services`` is built once per app."""

    def __init__(self, portal: Portal, services: WlzServices):
        self.portal = portal
        self.services = services

    @property
    def batch_limit(self) -> int:
        return self.services.registertoets.batch_limit

    def ask(self, principal: Principal, question: Question) -> ToetsAnswer | None:
        """Return the result, or None with the error added to ``question.errors``."""
        field_name = FILE_FIELD if question.batch else "bsn"
        try:
            return self.services.registertoets.toets(principal, question.bsns, question.peildatum or None)
        except InvalidBsn as error:
            question.errors[field_name] = (N_("%(count)s BSN(s) do not pass the elfproef."),
                                           {"count": error.params.get("count", 1)})
        except InvalidPeildatum:
            question.errors["peildatum"] = (N_("Enter the peildatum as a date, for example 2026-12-01."), {})
        except BatchSizeInvalid:
            question.errors[field_name] = (N_("Give from 1 to %(limit)s BSNs."), {"limit": self.batch_limit})
        return None

    def check(self, question: Question) -> None:
        """Add the errors the form can find before asking core: every field at once."""
        problem = check_peildatum(question.peildatum) if question.peildatum else None
        if problem:
            question.errors["peildatum"] = problem
        if question.batch:
            return
        if not question.single:
            question.errors["bsn"] = (N_("Enter a BSN of nine digits, or choose a file."), {})
        elif not is_valid_bsn(question.single):
            question.errors["bsn"] = (N_("This BSN is not valid: it must be nine digits that pass the elfproef."), {})
        question.bsns = [question.single]


class RegistertoetsPage:
    """``GET /wlz/registertoets``: the form; ``POST``: one BSN (form) or a batch file (multipart)."""

    def __init__(self, toets: Registertoets):
        self._toets = toets
        self._portal = toets.portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        require_registertoets(session.principal)
        self._show(req, resp, Question(peildatum=self._today()))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        require_registertoets(session.principal)
        if (req.content_type or "").startswith("multipart/form-data"):
            question = self._read_multipart(req)
        else:
            form = req.get_media(default_when_empty={})
            form = form if isinstance(form, dict) else {}
            question = Question(peildatum=str(form.get("peildatum", "")).strip(),
                                single=str(form.get("bsn", "")).strip().replace(" ", ""))
        if not question.errors:
            self._toets.check(question)
        answer = None if question.errors else self._toets.ask(session.principal, question)
        self._show(req, resp, question, answer)

    def _read_multipart(self, req: falcon.Request) -> Question:
        """Read the form: the CSRF token first, then a BSN, the peildatum and an optional file."""
        question = Question()
        data = b""
        parts = iter(req.get_media())
        if not req.context.csrf_checked:
            first = next(parts, None)
            if first is None or first.name != CSRF_FIELD:
                raise CsrfError("the first form field is not the CSRF token")
            self._portal.csrf.verify(req, first.get_text())
        for part in parts:
            if part.name == "peildatum":
                question.peildatum = part.get_text().strip()
            elif part.name == "bsn":
                question.single = part.get_text().strip().replace(" ", "")
            elif part.name == FILE_FIELD:
                data = part.stream.read(MAX_FILE_BYTES + 1)
                while part.stream.read(64 * 1024):
                    pass  # drop the rest of a larger file
        if not data:
            return question
        question.batch = True
        if question.single:
            question.errors["bsn"] = (N_("Enter one BSN or choose a file, not both."), {})
        elif len(data) > MAX_FILE_BYTES:
            question.errors[FILE_FIELD] = (N_("The file is larger than 1 MB. Split it into smaller files."), {})
        else:
            self._read_file(question, data)
        return question

    def _read_file(self, question: Question, data: bytes) -> None:
        question.bsns, invalid = read_bsn_lines(data)
        limit = self._toets.batch_limit
        if not question.bsns:
            question.errors[FILE_FIELD] = (N_("The file holds no BSN. Put one BSN on each line."), {})
        elif len(question.bsns) > limit:
            question.errors[FILE_FIELD] = (N_("The file holds %(count)s BSNs; at most %(limit)s can be checked at once."),
                                           {"count": len(question.bsns), "limit": limit})
        elif invalid:
            lines = ", ".join(str(line) for line in invalid[:MAX_LISTED_LINES])
            if len(invalid) > MAX_LISTED_LINES:
                lines += " …"
            question.errors[FILE_FIELD] = (N_("%(count)s BSN(s) do not pass the elfproef, on line(s) %(lines)s."),
                                           {"count": len(invalid), "lines": lines})

    def _today(self) -> str:
        return dutch_day(self._portal.clock.now()).isoformat()

    def _show(self, req: falcon.Request, resp: falcon.Response, question: Question,
              answer: ToetsAnswer | None = None) -> None:
        _ = self._portal.gettext(req)
        title = _("Wlz registertoets")
        errors = {name: _(text) % params for name, (text, params) in question.errors.items()}
        self._portal.page(
            req, resp, "wlz_registertoets.html", status=400 if errors else 200, page_title=title,
            errors=errors, question=question, batch_limit=self._toets.batch_limit,
            answer=answer, rows=answer_rows(answer) if answer else None,
            bsn_list="\n".join(result.bsn for result in answer.results) if answer and question.batch else "",
            breadcrumbs=[(_("Overview"), "/"), (title, "/wlz/registertoets")],
        )


class RegistertoetsCsv:
    """``POST /wlz/registertoets/csv``: run the registertoets again for the listed BSNs and return a CSV file."""

    def __init__(self, toets: Registertoets):
        self._toets = toets

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        require_registertoets(session.principal)
        form = req.get_media(default_when_empty={})
        form = form if isinstance(form, dict) else {}
        bsns = [line.strip() for line in str(form.get("bsns", "")).splitlines() if line.strip()]
        answer = ask_or_explain(self._toets, session.principal, bsns, str(form.get("peildatum", "")).strip() or None)
        resp.content_type = "text/csv; charset=utf-8"
        resp.downloadable_as = f"wlz-registertoets-{answer.peildatum.isoformat()}.csv"
        resp.data = answer_csv(answer)


class RegistertoetsApi:
    """``POST /api/wlz/registertoets`` with ``{"bsns": [...], "peildatum": "YYYY-MM-DD"}``."""

    def __init__(self, toets: Registertoets):
        self._toets = toets

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        body = req.get_media(default_when_empty={})
        bsns = body.get("bsns") if isinstance(body, dict) else None
        peildatum = body.get("peildatum") if isinstance(body, dict) else None
        if not isinstance(bsns, list) or not all(isinstance(bsn, str) for bsn in bsns):
            message = N_("Give bsns as a list of texts.")
            raise PortalError(400, "GGK400", message, fields={"bsns": message})
        if peildatum is not None and not isinstance(peildatum, str):
            message = N_("Enter the peildatum as a date, for example 2026-12-01.")
            raise PortalError(400, "WLZ002", message, fields={"peildatum": message})
        answer = ask_or_explain(self._toets, session.principal, bsns, peildatum or None)
        resp.media = answer_json(answer)


class SignalsPage:
    """``GET /wlz/signalen``: the organisation's WLZSIGNAAL messages, newest first, with download links."""

    def __init__(self, portal: Portal):
        self._portal = portal

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        session = signed_in(req)
        organisation = viewed_organisation(req, session)
        query = MessageQuery(organisation=organisation, services=(SERVICE,), message_type=SIGNAL_TYPE,
                             limit=SIGNALS_PAGE + 1)
        found: list[Message] = self._portal.mailbox.inbox(session.principal, organisation, query)
        _ = self._portal.gettext(req)
        title = _("Wlz signals")
        self._portal.page(
            req, resp, "wlz_signalen.html", page_title=title, organisation=organisation,
            messages=found[:SIGNALS_PAGE], more=len(found) > SIGNALS_PAGE,
            breadcrumbs=[(_("Overview"), "/"), (title, "/wlz/signalen")],
        )
