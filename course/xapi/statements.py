"""xAPI 1.0.3 statements: the activities, verbs, actor and statement ids.

One set of builders serves both the completion-record export (admin/formats)
and the live statements of the outbox (xapi/events), so that a statement sent
as it happened and the same fact exported later carry the same id, actor and
activity ids.

Statement ids are UUID 5 of BASE_URL, the learner, a key and the verb. The
key of a module fact (module completed, its final quiz passed or failed) is
the module id, as the export has always made it; other facts use a path
under the module (see the *_key functions).
"""
import uuid
from dataclasses import dataclass

from ..i18n import LANGUAGES

#: Fixed forever: statement ids are uuid5(NAMESPACE, ...) so a re-export keeps them.
STATEMENT_NAMESPACE = uuid.UUID("6b1d2f4e-52c1-5a8e-9a63-0c2f7d9e4b10")

VERBS = {
    "completed": {"id": "http://adlnet.gov/expapi/verbs/completed",
                  "display": {"en": "completed", "it": "ha completato", "es": "completó", "pl": "ukończył(a)"}},
    "passed": {"id": "http://adlnet.gov/expapi/verbs/passed",
               "display": {"en": "passed", "it": "ha superato", "es": "aprobó", "pl": "zaliczył(a)"}},
    "failed": {"id": "http://adlnet.gov/expapi/verbs/failed",
               "display": {"en": "failed", "it": "non ha superato", "es": "no aprobó", "pl": "nie zaliczył(a)"}},
    "answered": {"id": "http://adlnet.gov/expapi/verbs/answered",
                 "display": {"en": "answered", "it": "ha risposto a", "es": "respondió", "pl": "odpowiedział(a) na"}},
    "earned": {"id": "http://id.tincanapi.com/verb/earned",
               "display": {"en": "earned", "it": "ha ottenuto", "es": "obtuvo", "pl": "uzyskał(a)"}},
    "responded": {"id": "http://adlnet.gov/expapi/verbs/responded",
                  "display": {"en": "responded", "it": "ha dato una risposta a", "es": "dio una respuesta a",
                              "pl": "udzielił(a) odpowiedzi na"}},
}
#: The result extension (an IRI under BASE_URL) that carries the certificate of an `earned` statement.
CERTIFICATE_EXTENSION = "{base}/xapi/extensions/certificate"
ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
}


def lesson_key(module_id: str, lesson_id: str) -> str:
    return f"{module_id}/lessons/{lesson_id}"


def quiz_key(module_id: str, quiz_id: str, final_quiz_id: str) -> str:
    """A quiz's pass or fail as a fact: the module's own key for its final quiz (as the export)."""
    return module_id if quiz_id == final_quiz_id else f"{module_id}/quizzes/{quiz_id}"


def attempt_key(module_id: str, quiz_id: str, attempt_id) -> str:
    return f"{module_id}/quizzes/{quiz_id}/attempts/{attempt_id}"


def reflection_key(module_id: str, lesson_id: str, exercise_id: str) -> str:
    return f"{module_id}/lessons/{lesson_id}/reflections/{exercise_id}"


def course_key(course_id: str) -> str:
    return f"courses/{course_id}"


def score_value(value) -> float | int | None:
    """A percentage rounded to two decimals (100.0 -> 100)."""
    if value is None:
        return None
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def result_score(percent) -> dict | None:
    """xAPI's score object for a percentage (None: no score)."""
    if percent is None:
        return None
    return {"scaled": round(float(percent) / 100, 4), "raw": score_value(percent), "min": 0, "max": 100}


def activity_ref(activity: dict) -> dict:
    return {"objectType": "Activity", "id": activity["id"]}


def _activity(iri: str, kind: str, names: dict, descriptions: dict | None = None, **extra) -> dict:
    definition = {"type": ACTIVITY_TYPES[kind], "name": names}
    if descriptions and all(descriptions.get(lang) for lang in LANGUAGES):
        definition["description"] = descriptions
    definition.update(extra)
    return {"objectType": "Activity", "id": iri, "definition": definition}


@dataclass(frozen=True)
class XapiCatalogue:
    """The activities statements point at: the course, its modules, lessons,
    quizzes and reflection exercises, named in every language."""

    base_url: str
    course_id: str
    course: dict             # the course Activity
    modules: dict            # module id -> module Activity
    quizzes: dict            # module id -> final quiz Activity
    final_quizzes: dict      # module id -> final quiz id
    lessons: dict            # lesson id -> (module id, lesson Activity)
    lesson_quizzes: dict     # quiz id -> (module id, quiz Activity): every quiz, final ones included
    reflections: dict        # (lesson id, exercise id) -> reflection Activity

    @classmethod
    def build(cls, content, base_url: str) -> "XapiCatalogue":
        base_url = base_url.rstrip("/")
        reference = content.course("en")
        views = {lang: content.course(lang) for lang in LANGUAGES}

        def names(pick):
            return {lang: pick(views[lang]) for lang in LANGUAGES}

        course_iri = f"{base_url}/xapi/courses/{reference.course.id}"
        course = _activity(course_iri, "course", names(lambda v: v.course.title),
                           names(lambda v: v.course.summary))
        modules, quizzes, finals, lessons, all_quizzes, reflections = {}, {}, {}, {}, {}, {}
        for module in reference.modules:
            mid = module.id
            iri = f"{base_url}/xapi/modules/{mid}"
            modules[mid] = _activity(iri, "module", names(lambda v: v.module(mid).module.title),
                                     names(lambda v: v.module(mid).module.summary))
            final = module.final_quiz.id
            finals[mid] = final
            quizzes[mid] = cls._quiz(views, iri, final)
            all_quizzes[final] = (mid, quizzes[mid])
            for lesson in module.lessons:
                lid = lesson.id
                lesson_iri = f"{iri}/lessons/{lid}"
                lessons[lid] = (mid, _activity(lesson_iri, "lesson", names(lambda v: v.lesson(lid).lesson.title),
                                               names(lambda v: v.lesson(lid).lesson.summary)))
                for block in lesson.lesson.activities:
                    if block.type == "quiz":
                        all_quizzes.setdefault(block.quiz, (mid, cls._quiz(views, iri, block.quiz)))
                    else:
                        reflections[(lid, block.id)] = cls._reflection(views, lesson_iri, lid, block.id)
        return cls(base_url, reference.course.id, course, modules, quizzes, finals, lessons, all_quizzes,
                   reflections)

    @staticmethod
    def _quiz(views, module_iri: str, quiz_id: str) -> dict:
        found = {lang: views[lang].quiz(quiz_id)[0] for lang in LANGUAGES}
        return _activity(f"{module_iri}/quizzes/{quiz_id}", "assessment",
                         {lang: q.title for lang, q in found.items()},
                         {lang: q.intro for lang, q in found.items()})

    @staticmethod
    def _reflection(views, lesson_iri: str, lesson_id: str, exercise_id: str) -> dict:
        blocks = {lang: next(b for b in views[lang].lesson(lesson_id).lesson.blocks if b.id == exercise_id)
                  for lang in LANGUAGES}
        return _activity(f"{lesson_iri}/reflections/{exercise_id}", "interaction",
                         {lang: b.title for lang, b in blocks.items()},
                         {lang: b.intro for lang, b in blocks.items()},
                         interactionType="long-fill-in")

    # -- statements ------------------------------------------------------

    def actor(self, learner_id) -> dict:
        return {"objectType": "Agent", "account": {"homePage": self.base_url, "name": str(learner_id)}}

    def statement_id(self, learner_id, key: str, verb: str) -> str:
        return str(uuid.uuid5(STATEMENT_NAMESPACE, f"{self.base_url}|{learner_id}|{key}|{verb}"))

    def statement(self, statement_id: str, learner_id, verb: str, obj: dict, result: dict | None,
                  lang: str | None, parents=(), grouping=(), when: str | None = None) -> dict:
        """One statement; `when` is its timestamp, ISO 8601 UTC to the millisecond."""
        context = {"platform": "Aula"}
        if parents or grouping:
            context["contextActivities"] = {}
            if parents:
                context["contextActivities"]["parent"] = [activity_ref(a) for a in parents]
            if grouping:
                context["contextActivities"]["grouping"] = [activity_ref(a) for a in grouping]
        if lang in LANGUAGES:
            context["language"] = lang
        statement = {"id": statement_id, "actor": self.actor(learner_id), "verb": VERBS[verb], "object": obj}
        if result is not None:
            statement["result"] = result
        statement["context"] = context
        if when is not None:
            statement["timestamp"] = when
        return statement

    def module_completed(self, learner_id, module_id: str, best, lang, when) -> dict:
        result = {"completion": True, "success": True}
        if best is not None:
            result["score"] = result_score(best)
        return self.statement(self.statement_id(learner_id, module_id, "completed"), learner_id, "completed",
                              self.modules[module_id], result, lang, [self.course], when=when)

    def quiz_verdict(self, learner_id, module_id: str, quiz_id: str, passed: bool, percent, lang, when,
                     statement_id: str | None = None) -> dict:
        """passed or failed against the pass mark; the id of the fact unless one is given."""
        verb = "passed" if passed else "failed"
        obj_module, obj = self.lesson_quizzes[quiz_id]
        key = quiz_key(module_id, quiz_id, self.final_quizzes[module_id])
        result = {"completion": True, "success": bool(passed)}
        if percent is not None:
            result["score"] = result_score(percent)
        return self.statement(statement_id or self.statement_id(learner_id, key, verb), learner_id, verb, obj,
                              result, lang, [self.modules[obj_module]], [self.course], when)

    def quiz_answered(self, learner_id, module_id: str, quiz_id: str, attempt_id, passed: bool, percent,
                      lang, when) -> dict:
        _mid, obj = self.lesson_quizzes[quiz_id]
        result = {"score": result_score(percent), "success": bool(passed), "completion": True}
        return self.statement(self.statement_id(learner_id, attempt_key(module_id, quiz_id, attempt_id), "answered"),
                              learner_id, "answered", obj, result, lang, [self.modules[module_id]],
                              [self.course], when)

    def lesson_completed(self, learner_id, lesson_id: str, lang, when) -> dict:
        module_id, obj = self.lessons[lesson_id]
        return self.statement(self.statement_id(learner_id, lesson_key(module_id, lesson_id), "completed"),
                              learner_id, "completed", obj, {"completion": True}, lang,
                              [self.modules[module_id]], [self.course], when)

    def reflection_responded(self, learner_id, lesson_id: str, exercise_id: str, lang, when) -> dict:
        """`responded`: the learner wrote an answer; the text stays in Aula."""
        module_id, lesson = self.lessons[lesson_id]
        obj = self.reflections[(lesson_id, exercise_id)]
        return self.statement(
            self.statement_id(learner_id, reflection_key(module_id, lesson_id, exercise_id), "responded"),
            learner_id, "responded", obj, None, lang, [lesson], [self.modules[module_id], self.course], when)

    def course_completed(self, learner_id, lang, when) -> dict:
        return self.statement(self.statement_id(learner_id, course_key(self.course_id), "completed"), learner_id,
                              "completed", self.course, {"completion": True}, lang, when=when)

    # -- the export ------------------------------------------------------

    def record_statements(self, r, iso_ms) -> list[dict]:
        """The statements one completion record (admin.records.Record) makes:
        completed, and passed or failed."""
        if r.module_id not in self.modules:
            return []
        out = []
        if r.module_completed_at is not None:
            out.append(self.module_completed(r.learner_id, r.module_id, r.quiz_best_score, r.language,
                                             iso_ms(r.module_completed_at)))
        if r.quiz_attempts:
            passed = bool(r.quiz_passed)
            out.append(self.quiz_verdict(r.learner_id, r.module_id, self.final_quizzes[r.module_id], passed,
                                         r.quiz_best_score, r.language,
                                         iso_ms(r.quiz_passed_at if passed else r.quiz_last_attempt_at)))
        return out

    def earned(self, r, iso, iso_ms) -> dict | None:
        """The learner earned the course's certificate (once per learner, with the
        certificate as the result's extension), or None without a valid certificate."""
        if not r.certificate_id:
            return None
        result = {"completion": True, "success": True, "extensions": {
            CERTIFICATE_EXTENSION.format(base=self.base_url): {
                "id": r.certificate_id,
                "url": f"{self.base_url}/verify/{r.certificate_id}",
                "issued_at": iso(r.certificate_issued_at),
            }}}
        return self.statement(self.statement_id(r.learner_id, "course", "earned"), r.learner_id, "earned",
                              self.course, result, r.language,
                              when=None if r.certificate_issued_at is None else iso_ms(r.certificate_issued_at))
