"""The sender: posts waiting statements to the LRS in batches.

`push()` claims up to XAPI_BATCH_SIZE due statements at a time (so two
senders never post the same row at once), POSTs them as one JSON array to
`<XAPI_LRS_URL>/statements` (basic auth, X-Experience-API-Version 1.0.3)
and records what happened:

- 2xx: sent.
- The LRS unreachable, a timeout, 5xx, 408 or 429: every statement of the
  batch waits again, with back-off (1, 2, 4 ... XAPI_RETRY_MAX_MINUTES);
  nothing is ever dropped. The rest waits for a later push.
- Any other 4xx: the statements go one by one (PUT ?statementId=) so one bad
  statement does not hold back the others. 409 Conflict means the LRS holds
  a statement with that id already (sent before, or by a bulk export): sent.
  Another 4xx is recorded as failed, with the LRS's reason.
"""
import base64
import json
import socket
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import XapiStatement, XapiStatus
from ..models.types import utcnow
from ..reminders.scheduler import retry_delay, worker_name
from ..signals import tick_job

DEFAULTS = {
    "XAPI_BATCH_SIZE": 50,              # statements per POST
    "XAPI_TIMEOUT_SECONDS": 10,         # per request
    "XAPI_RETRY_MAX_MINUTES": 60,       # the longest wait between two tries
    "XAPI_SENDING_TIMEOUT_MINUTES": 10,  # a claim older than this was interrupted
}
#: Answers that mean "not now" rather than "never".
RETRY_STATUSES = {408, 429}


@dataclass
class PushReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    errors: list = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.sent} sent, {self.failed} failed, {self.retrying} waiting to be retried"


@dataclass(frozen=True)
class Answer:
    status: int | None      # None: no answer at all (connection refused, timeout)
    reason: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def retry(self) -> bool:
        return self.status is None or self.status >= 500 or self.status in RETRY_STATUSES


class LRS:
    """The LRS named by XAPI_LRS_URL (its xAPI endpoint, e.g. https://lrs.example.org/xAPI/)."""

    def __init__(self, url: str, key: str = "", secret: str = "", timeout: float = 10):
        self.url = url.rstrip("/") + "/statements"
        self.timeout = timeout
        self.headers = {"Content-Type": "application/json; charset=utf-8",
                        "X-Experience-API-Version": "1.0.3"}
        if key or secret:
            token = base64.b64encode(f"{key}:{secret}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"

    @classmethod
    def from_config(cls, config) -> "LRS":
        return cls(config["XAPI_LRS_URL"], config.get("XAPI_LRS_KEY", ""), config.get("XAPI_LRS_SECRET", ""),
                   config.get("XAPI_TIMEOUT_SECONDS", DEFAULTS["XAPI_TIMEOUT_SECONDS"]))

    def post(self, payloads: list[str]) -> Answer:
        return self._send("POST", self.url, ("[" + ",".join(payloads) + "]").encode())

    def put(self, statement_id: str, payload: str) -> Answer:
        return self._send("PUT", f"{self.url}?statementId={quote(statement_id)}", payload.encode())

    def _send(self, method: str, url: str, body: bytes) -> Answer:
        request = urllib.request.Request(url, data=body, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return Answer(response.status, "")
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _reason(exc.code, exc.read(4000)))
        except (urllib.error.URLError, socket.timeout, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return Answer(None, f"LRS unreachable: {reason}")


def _reason(status: int, body: bytes) -> str:
    """The LRS's own words: xAPI LRSs answer {"detail": ...} or {"message": ...}, or plain text."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        detail = data.get("detail") or data.get("message") or data.get("error")
        if isinstance(detail, list):  # FastAPI-style validation errors (Ralph): where, and what
            detail = "; ".join(_problem(item) for item in detail)
        if detail is not None:
            text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False)
    return f"HTTP {status}: {text}"[:2000] if text else f"HTTP {status}"


def _problem(item) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = ".".join(str(part) for part in item.get("loc", ()) if part != "body" and not isinstance(part, int))
    return f"{where}: {item.get('msg', '')}" if where else str(item.get("msg", item))


def _setting(name: str):
    return current_app.config.get(name, DEFAULTS[name])


@dataclass(frozen=True)
class Claimed:
    id: int
    statement_id: str
    payload: str
    attempts: int


def release_stale(now: datetime) -> None:
    """Statements claimed by a sender that stopped mid-way wait again."""
    stale = now - timedelta(minutes=_setting("XAPI_SENDING_TIMEOUT_MINUTES"))
    db.session.execute(
        update(XapiStatement)
        .where(XapiStatement.status == XapiStatus.SENDING, XapiStatement.claimed_at < stale)
        .values(status=XapiStatus.WAITING, claimed_by=None)
        .execution_options(synchronize_session=False))
    db.session.commit()


def claim(now: datetime, limit: int, worker: str) -> list[Claimed]:
    """Take up to `limit` waiting statements that are due; no other sender gets them."""
    due = or_(XapiStatement.next_attempt_at.is_(None), XapiStatement.next_attempt_at <= now)
    ids = list(db.session.scalars(select(XapiStatement.id).where(XapiStatement.status == XapiStatus.WAITING, due)
                                  .order_by(XapiStatement.id).limit(limit)))
    db.session.commit()
    if not ids:
        return []
    token = f"{worker}/{uuid.uuid4().hex[:12]}"
    db.session.execute(
        update(XapiStatement).where(XapiStatement.id.in_(ids), XapiStatement.status == XapiStatus.WAITING)
        .values(status=XapiStatus.SENDING, claimed_by=token, claimed_at=now, attempts=XapiStatement.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    rows = db.session.execute(
        select(XapiStatement.id, XapiStatement.statement_id, XapiStatement.payload, XapiStatement.attempts)
        .where(XapiStatement.id.in_(ids), XapiStatement.claimed_by == token).order_by(XapiStatement.id))
    return [Claimed(*row) for row in rows]


def _sent(row: Claimed, now: datetime) -> dict:
    return {"id": row.id, "status": XapiStatus.SENT, "sent_at": now, "claimed_by": None, "last_error": None,
            "next_attempt_at": None}


def _wait(row: Claimed, now: datetime, reason: str) -> dict:
    delay = retry_delay(row.attempts, _setting("XAPI_RETRY_MAX_MINUTES"))
    return {"id": row.id, "status": XapiStatus.WAITING, "next_attempt_at": now + delay, "claimed_by": None,
            "last_error": reason}


def _failed(row: Claimed, reason: str) -> dict:
    return {"id": row.id, "status": XapiStatus.FAILED, "claimed_by": None, "last_error": reason, "next_attempt_at": None}


#: The report's counter for each outcome.
_COUNTERS = {"sent": "sent", "failed": "failed", "waiting": "retrying"}


def send_claimed(rows: list[Claimed], lrs: LRS, now: datetime, report: PushReport) -> bool:
    """Post the claimed statements and record each outcome. False when the
    LRS cannot take more now (the caller stops until the next push)."""
    outcomes, go_on = [], True
    answer = lrs.post([row.payload for row in rows])
    if answer.ok:
        outcomes = [_sent(row, now) for row in rows]
    elif answer.retry:
        outcomes = [_wait(row, now, answer.reason) for row in rows]
        report.errors.append(answer.reason)
        go_on = False
    else:  # one statement (or more) refused: find which, one by one
        for position, row in enumerate(rows):
            single = lrs.put(row.statement_id, row.payload)
            if single.ok or single.status == 409:
                outcomes.append(_sent(row, now))
            elif single.retry:
                outcomes += [_wait(rest, now, single.reason) for rest in rows[position:]]
                report.errors.append(single.reason)
                go_on = False
                break
            else:
                outcomes.append(_failed(row, single.reason))
                report.errors.append(single.reason)
    for values in outcomes:
        counter = _COUNTERS[values["status"]]
        setattr(report, counter, getattr(report, counter) + 1)
    db.session.execute(update(XapiStatement), outcomes)
    db.session.commit()
    return go_on


def push(now: datetime | None = None, worker: str | None = None) -> PushReport:
    """Send every waiting statement that is due (default: now), batch by batch."""
    report = PushReport()
    if not current_app.config.get("XAPI_LRS_URL"):
        return report
    now = (now or utcnow()).astimezone(timezone.utc)
    worker = worker or worker_name()
    lrs = LRS.from_config(current_app.config)
    release_stale(now)
    while True:
        rows = claim(now, _setting("XAPI_BATCH_SIZE"), worker)
        if not rows or not send_claimed(rows, lrs, now, report):
            break
    return report


@tick_job("xapi: push")
def push_on_tick() -> str | None:
    """scheduler_tick receiver: the scheduler process sends statements every minute too."""
    report = push()
    if report.sent or report.failed or report.retrying:
        return f"xapi: {report.summary()}"
    return None
