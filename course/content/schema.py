"""JSON Schema of the lesson format, generated from the loader's models."""
from . import models as m

#: The kinds of content file, and the model each one is read with.
MODELS = {"course": m.CourseFile, "module": m.Module, "lesson": m.Lesson, "quiz": m.Quiz}
KINDS = tuple(MODELS)
_TITLES = {"course": "Course", "module": "Module", "lesson": "Lesson", "quiz": "Quiz"}


def lesson_format_schema(kind: str | None = None) -> dict:
    """A schema for one kind of file, or (kind None) one accepting any
    content file: course.yaml, module.yaml, a lesson or a quiz."""
    defs: dict = {}
    refs = []
    for name in KINDS if kind is None else (kind,):
        schema = MODELS[name].model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[_TITLES[name]] = schema
        refs.append({"$ref": f"#/$defs/{_TITLES[name]}"})
    suffix = "" if kind is None else f"-{kind}"
    what = "A course.yaml, module.yaml, lesson or quiz file" if kind is None else f"A {kind} file"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://aula.example/schemas/content{suffix}.json",
        "title": "Aula course content file" if kind is None else f"Aula {kind} file",
        "description": f"{what} of an Aula course (see docs/authoring.md).",
        "anyOf": refs,
        "$defs": defs,
    }
