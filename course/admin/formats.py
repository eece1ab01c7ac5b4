"""Completion records as CSV, JSON Lines and xAPI 1.0.3 statements.

Each formatter takes an iterable of records (records.Record, read by
name) and yields text chunks as it goes, so a download or a file grows
while the database is still being read.
"""
import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..i18n import LANGUAGES
from .records import COLUMNS, Record

#: Rows formatted per chunk of output.
CHUNK_ROWS = 500

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xapi": "application/json; charset=utf-8",
}
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "xapi": "xapi.json"}

# A spreadsheet reads a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Neutralise a text cell a spreadsheet would run as a formula (OWASP: prefix a quote)."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def iso(moment) -> str | None:
    """A UTC time as ISO 8601 with a Z, to the second.

    `moment` is an aware or naive UTC datetime, or SQLite's stored text
    ("YYYY-MM-DD HH:MM:SS[.ffffff]", always UTC here: see records.RawTime).
    """
    if moment is None:
        return None
    if isinstance(moment, str):
        return f"{moment[:10]}T{moment[11:19]}Z"
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def iso_ms(moment) -> str | None:
    """The same, to the millisecond (the precision an LRS keeps)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        fraction = (moment[20:23] if moment[19:20] == "." else "") + "000"
        return f"{moment[:10]}T{moment[11:19]}.{fraction[:3]}Z"
    return moment.isoformat(timespec="milliseconds")[:23] + "Z"


def score(value) -> float | int | None:
    """A percentage rounded to two decimals (100.0 -> 100)."""
    if value is None:
        return None
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def _chunks(lines: Iterable[str], head: str = "", tail: str = "") -> Iterator[str]:
    """Join lines into chunks of CHUNK_ROWS; `head` goes out at once."""
    if head:
        yield head
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) >= CHUNK_ROWS:
            yield "".join(batch)
            batch.clear()
    if batch or tail:
        yield "".join(batch) + tail


# -- CSV -------------------------------------------------------------------

def _csv_cells(r: Record) -> tuple:
    best = score(r.quiz_best_score)
    return (r.learner_id, spreadsheet_safe(r.name), spreadsheet_safe(r.email), r.language,
            spreadsheet_safe(r.time_zone), iso(r.registered_at), r.module_id, spreadsheet_safe(r.module_title),
            r.lessons_completed, r.lessons_total, r.activities_completed, r.activities_total,
            "" if best is None else best, r.quiz_attempts, "true" if r.quiz_passed else "false",
            iso(r.module_started_at), iso(r.module_completed_at), iso(r.course_completed_at),
            r.certificate_id or "", iso(r.certificate_issued_at))


def csv_chunks(rows: Iterable) -> Iterator[str]:
    """RFC 4180: a header row, CRLF line ends, fields quoted only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    batch = []
    for row in rows:
        batch.append(_csv_cells(row))
        if len(batch) >= CHUNK_ROWS:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
    if batch:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


# -- JSON Lines ------------------------------------------------------------

def record_dict(r: Record) -> dict:
    """One record with typed values: numbers, booleans, ISO 8601 UTC times or null."""
    return {
        "learner_id": r.learner_id, "name": r.name, "email": r.email, "language": r.language,
        "time_zone": r.time_zone, "registered_at": iso(r.registered_at), "module_id": r.module_id,
        "module_title": r.module_title, "lessons_completed": r.lessons_completed,
        "lessons_total": r.lessons_total, "activities_completed": r.activities_completed,
        "activities_total": r.activities_total, "quiz_best_score": score(r.quiz_best_score),
        "quiz_attempts": r.quiz_attempts, "quiz_passed": bool(r.quiz_passed),
        "module_started_at": iso(r.module_started_at), "module_completed_at": iso(r.module_completed_at),
        "course_completed_at": iso(r.course_completed_at),
        "certificate_id": r.certificate_id, "certificate_issued_at": iso(r.certificate_issued_at),
    }


def jsonl_chunks(rows: Iterable) -> Iterator[str]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return _chunks(dumps(record_dict(row)) + "\n" for row in rows)


# -- xAPI 1.0.3 ------------------------------------------------------------

#: Fixed forever: statement ids are uuid5(NAMESPACE, ...) so a re-export keeps them.
STATEMENT_NAMESPACE = uuid.UUID("6b1d2f4e-52c1-5a8e-9a63-0c2f7d9e4b10")

VERBS = {
    "completed": {"id": "http://adlnet.gov/expapi/verbs/completed",
                  "display": {"en": "completed", "it": "ha completato", "es": "completó", "pl": "ukończył(a)"}},
    "passed": {"id": "http://adlnet.gov/expapi/verbs/passed",
               "display": {"en": "passed", "it": "ha superato", "es": "aprobó", "pl": "zaliczył(a)"}},
    "failed": {"id": "http://adlnet.gov/expapi/verbs/failed",
               "display": {"en": "failed", "it": "non ha superato", "es": "no aprobó", "pl": "nie zaliczył(a)"}},
    "earned": {"id": "http://id.tincanapi.com/verb/earned",
               "display": {"en": "earned", "it": "ha ottenuto", "es": "obtuvo", "pl": "uzyskał(a)"}},
}
#: The result extension (an IRI under BASE_URL) that carries the certificate of an `earned` statement.
CERTIFICATE_EXTENSION = "{base}/xapi/extensions/certificate"
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
}


@dataclass(frozen=True)
class XapiCatalogue:
    """The activities statements point at: the course, each module and its quiz."""

    base_url: str
    course: dict             # the course Activity
    modules: dict            # module id -> module Activity
    quizzes: dict            # module id -> final quiz Activity

    @classmethod
    def build(cls, content, base_url: str) -> "XapiCatalogue":
        base_url = base_url.rstrip("/")
        reference = content.course("en")
        views = {lang: content.course(lang) for lang in LANGUAGES}

        def activity(iri, kind, names):
            return {"objectType": "Activity", "id": iri,
                    "definition": {"type": ACTIVITY_TYPES[kind], "name": names}}

        course = activity(f"{base_url}/xapi/courses/{reference.course.id}", "course",
                          {lang: views[lang].course.title for lang in LANGUAGES})
        modules, quizzes = {}, {}
        for module in reference.modules:
            iri = f"{base_url}/xapi/modules/{module.id}"
            modules[module.id] = activity(iri, "module",
                                          {lang: views[lang].module(module.id).module.title for lang in LANGUAGES})
            quizzes[module.id] = activity(f"{iri}/quizzes/{module.final_quiz.id}", "assessment",
                                          {lang: views[lang].module(module.id).final_quiz.title for lang in LANGUAGES})
        return cls(base_url, course, modules, quizzes)

    def statement_id(self, learner_id, module_id: str, verb: str) -> str:
        return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{self.base_url}|{learner_id}|{module_id}|{verb}"))

    def statements(self, r: Record) -> list[dict]:
        """The statements one record makes: completed, and passed or failed."""
        learner_id, lang, module_id = r.learner_id, r.language, r.module_id
        best, attempts, passed, completed = r.quiz_best_score, r.quiz_attempts, r.quiz_passed, r.module_completed_at
        if module_id not in self.modules:
            return []
        actor = {"objectType": "Agent", "account": {"homePage": self.base_url, "name": str(learner_id)}}
        result_score = None
        if best is not None:
            scaled = round(float(best) / 100, 4)
            result_score = {"scaled": scaled, "raw": score(best), "min": 0, "max": 100}
        out = []
        if completed is not None:
            result = {"completion": True, "success": True}
            if result_score:
                result["score"] = result_score
            out.append(self._statement(learner_id, module_id, "completed", actor, self.modules[module_id],
                                       result, lang, [self.course], completed))
        if attempts:
            verb = "passed" if passed else "failed"
            result = {"completion": True, "success": bool(passed)}
            if result_score:
                result["score"] = result_score
            out.append(self._statement(learner_id, module_id, verb, actor, self.quizzes[module_id], result,
                                       lang, [self.modules[module_id]],
                                       r.quiz_passed_at if passed else r.quiz_last_attempt_at,
                                       grouping=[self.course]))
        return out

    def earned(self, r: Record) -> dict | None:
        """The learner earned the course's certificate (once per learner, with the certificate
        as the result's extension), or None without a (valid) certificate."""
        learner_id, lang, certificate_id, issued = r.learner_id, r.language, r.certificate_id, r.certificate_issued_at
        if not certificate_id:
            return None
        actor = {"objectType": "Agent", "account": {"homePage": self.base_url, "name": str(learner_id)}}
        result = {"completion": True, "success": True, "extensions": {CERTIFICATE_EXTENSION.format(base=self.base_url): {
            "id": certificate_id,
            "url": f"{self.base_url}/verify/{certificate_id}",
            "issued_at": iso(issued),
        }}}
        statement = self._statement(learner_id, "course", "earned", actor, self.course, result, lang, [], issued)
        del statement["context"]["contextActivities"]
        return statement

    def _statement(self, learner_id, module_id, verb, actor, obj, result, lang, parents, when, grouping=None):
        context = {"platform": "Aula", "contextActivities": {"parent": [_ref(a) for a in parents]}}
        if lang in LANGUAGES:
            context["language"] = lang
        if grouping:
            context["contextActivities"]["grouping"] = [_ref(a) for a in grouping]
        statement = {
            "id": self.statement_id(learner_id, module_id, verb),
            "actor": actor,
            "verb": VERBS[verb],
            "object": obj,
            "result": result,
            "context": context,
        }
        if when is not None:
            statement["timestamp"] = iso_ms(when)
        return statement


def _ref(activity: dict) -> dict:
    return {"objectType": "Activity", "id": activity["id"]}


def xapi_chunks(rows: Iterable, catalogue: XapiCatalogue) -> Iterator[str]:
    """A JSON array of statements (what an LRS takes in POST /statements)."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def lines():
        first, learner = True, None
        for row in rows:
            statements = catalogue.statements(row)
            if row.learner_id != learner:  # rows come learner by learner: one `earned` each
                learner = row.learner_id
                earned = catalogue.earned(row)
                if earned is not None:
                    statements.append(earned)
            for statement in statements:
                yield ("\n" if first else ",\n") + dumps(statement)
                first = False

    return _chunks(lines(), head="[", tail="\n]\n")
