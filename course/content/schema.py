"""JSON Schema of the lesson format, generated from the loader's models."""
from . import models as m


def lesson_format_schema() -> dict:
    """One schema accepting any content file: course, module, lesson or quiz."""
    defs: dict = {}
    refs = []
    for name, model in (("Course", m.CourseFile), ("Module", m.Module), ("Lesson", m.Lesson), ("Quiz", m.Quiz)):
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[name] = schema
        refs.append({"$ref": f"#/$defs/{name}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://aula.example/schemas/content.json",
        "title": "Aula course content file",
        "description": "A course.yaml, module.yaml, lesson or quiz file of an Aula course.",
        "anyOf": refs,
        "$defs": defs,
    }
