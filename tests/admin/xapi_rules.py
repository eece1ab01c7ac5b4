"""A checker for the xAPI 1.0.3 statement rules (xAPI-Data.md, section 2.4)
that a Learning Record Store applies to the statements we send it.

problems(statement) lists every rule a statement breaks; [] means valid.
"""
import re
import uuid
from datetime import datetime

STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                  "authority", "version", "attachments"}
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
IRL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")
# RFC 5646 language tags, simplified: language, then optional subtags.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
DURATION = re.compile(r"^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _uuid(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return False
    return str(parsed) == value.lower() and parsed.variant == uuid.RFC_4122


def _language_map(value, where, out):
    if not isinstance(value, dict) or not value:
        out.append(f"{where} must be a non-empty language map")
        return
    for tag, text in value.items():
        if not LANGUAGE_TAG.match(tag):
            out.append(f"{where}: {tag!r} is not an RFC 5646 language tag")
        if not isinstance(text, str):
            out.append(f"{where}[{tag}] must be a string")


def _agent(actor, out):
    if not isinstance(actor, dict):
        out.append("actor must be an object")
        return
    if actor.get("objectType") != "Agent":
        out.append("actor.objectType must be 'Agent'")
    found = [k for k in IFIS if k in actor]
    if len(found) != 1:
        out.append(f"actor must have exactly one inverse functional identifier, has {found}")
    account = actor.get("account")
    if account is not None:
        if not isinstance(account, dict) or set(account) != {"homePage", "name"}:
            out.append("actor.account must have exactly homePage and name")
        else:
            if not isinstance(account["homePage"], str) or not IRL.match(account["homePage"]):
                out.append("actor.account.homePage must be an IRL")
            if not isinstance(account["name"], str) or not account["name"]:
                out.append("actor.account.name must be a non-empty string")
    if "name" in actor and not isinstance(actor["name"], str):
        out.append("actor.name must be a string")


def _activity(activity, where, out, need_definition=False):
    if not isinstance(activity, dict):
        out.append(f"{where} must be an object")
        return
    if activity.get("objectType", "Activity") != "Activity":
        out.append(f"{where}.objectType must be 'Activity'")
    if not isinstance(activity.get("id"), str) or not IRI.match(activity["id"]):
        out.append(f"{where}.id must be an IRI")
    definition = activity.get("definition")
    if definition is None:
        if need_definition:
            out.append(f"{where}.definition is missing")
        return
    if not isinstance(definition, dict):
        out.append(f"{where}.definition must be an object")
        return
    if need_definition:
        _language_map(definition.get("name"), f"{where}.definition.name", out)
    elif "name" in definition:
        _language_map(definition["name"], f"{where}.definition.name", out)
    if "description" in definition:
        _language_map(definition["description"], f"{where}.definition.description", out)
    if "type" in definition and (not isinstance(definition["type"], str) or not IRI.match(definition["type"])):
        out.append(f"{where}.definition.type must be an IRI")


def _result(result, out):
    if not isinstance(result, dict):
        out.append("result must be an object")
        return
    unknown = set(result) - {"score", "success", "completion", "response", "duration", "extensions"}
    if unknown:
        out.append(f"result has unknown properties {sorted(unknown)}")
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            out.append(f"result.{flag} must be true or false")
    if "duration" in result and not DURATION.match(str(result["duration"])):
        out.append("result.duration must be an ISO 8601 duration")
    score = result.get("score")
    if score is None:
        return
    if not isinstance(score, dict) or set(score) - {"scaled", "raw", "min", "max"}:
        out.append("result.score may hold only scaled, raw, min and max")
        return
    for key, value in score.items():
        if not _number(value):
            out.append(f"result.score.{key} must be a number")
            return
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        out.append("result.score.scaled must be between -1 and 1")
    if "min" in score and "max" in score and not score["min"] < score["max"]:
        out.append("result.score.min must be less than max")
    if "raw" in score:
        if "min" in score and score["raw"] < score["min"]:
            out.append("result.score.raw must not be below min")
        if "max" in score and score["raw"] > score["max"]:
            out.append("result.score.raw must not be above max")


def _context(context, statement, out):
    if not isinstance(context, dict):
        out.append("context must be an object")
        return
    if "language" in context and not LANGUAGE_TAG.match(str(context["language"])):
        out.append("context.language must be an RFC 5646 language tag")
    if "registration" in context and not _uuid(context["registration"]):
        out.append("context.registration must be a UUID")
    if ("platform" in context or "revision" in context) and \
            statement.get("object", {}).get("objectType", "Activity") != "Activity":
        out.append("context.platform and revision are only for statements about an Activity")
    activities = context.get("contextActivities", {})
    if not isinstance(activities, dict) or set(activities) - CONTEXT_ACTIVITY_KEYS:
        out.append("context.contextActivities may hold only parent, grouping, category and other")
        return
    for key, value in activities.items():
        for i, activity in enumerate(value if isinstance(value, list) else [value]):
            _activity(activity, f"context.contextActivities.{key}[{i}]", out)


def problems(statement) -> list[str]:
    out: list[str] = []
    if not isinstance(statement, dict):
        return ["a statement must be a JSON object"]
    unknown = set(statement) - STATEMENT_KEYS
    if unknown:
        out.append(f"unknown properties {sorted(unknown)}")
    for required in ("actor", "verb", "object"):
        if required not in statement:
            out.append(f"{required} is required")
    if "id" in statement and not _uuid(statement["id"]):
        out.append("id must be a UUID (RFC 4122)")
    if "actor" in statement:
        _agent(statement["actor"], out)
    verb = statement.get("verb")
    if verb is not None:
        if not isinstance(verb, dict) or not isinstance(verb.get("id"), str) or not IRI.match(verb["id"]):
            out.append("verb.id must be an IRI")
        elif "display" in verb:
            _language_map(verb["display"], "verb.display", out)
        else:
            out.append("verb.display is missing")
    if "object" in statement:
        _activity(statement["object"], "object", out, need_definition=True)
    if "result" in statement:
        _result(statement["result"], out)
    if "context" in statement:
        _context(statement["context"], statement, out)
    if "timestamp" in statement:
        stamp = statement["timestamp"]
        if not isinstance(stamp, str) or not TIMESTAMP.match(stamp) or stamp.endswith("-00:00"):
            out.append("timestamp must be ISO 8601 with a time zone")
        else:
            try:
                datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            except ValueError:
                out.append("timestamp is not a real moment")
    if "version" in statement and not str(statement["version"]).startswith("1.0."):
        out.append("version must start with 1.0.")
    return out
