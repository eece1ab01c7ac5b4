"""tests/yaml_cache.py (the suite's per-process cache of parsed and checked content files) against
the plain read and check."""
from course.config import PROJECT_ROOT
from course.content import loader, models as m, validate, yamlsource
from course.content.yamlsource import Source
from tests.yaml_cache import (_parsed, _validated, original_read_yaml, original_validate_model, read_yaml,
                              validate_model)


def test_the_suite_uses_the_cache():
    assert loader.read_yaml is validate.read_yaml is yamlsource.read_yaml is read_yaml
    assert loader.validate_model is validate.validate_model is validate_model


def model_of(path):
    if path.name == "course.yaml":
        return m.CourseFile
    if path.name == "module.yaml":
        return m.Module
    return m.Quiz if path.parent.name == "quizzes" else m.Lesson


def test_every_shipped_file_checks_as_without_the_cache_and_later_loads_share_the_model():
    files = sorted((PROJECT_ROOT / "content").rglob("*.yaml"))
    for path in files:
        model = model_of(path)
        problems = []
        cached = [validate_model(model, read_yaml(path, path.name, problems), problems) for _ in range(2)]
        plain = original_validate_model(model, original_read_yaml(path, path.name, problems), problems)
        assert problems == []
        assert cached[0] == plain, path
        assert cached[1] is cached[0], path  # the second load's model is the first one's
        assert (model, path.read_bytes()) in _validated
    assert {type(item) for item in _validated.values()} >= {m.CourseFile, m.Module, m.Lesson, m.Quiz}


def test_a_check_with_a_problem_is_made_every_time_and_other_data_as_usual(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_text("id: one\ntitle: First\nminutes: fifteen\n", encoding="utf-8")
    for _ in range(2):
        problems = []
        assert validate_model(m.Lesson, read_yaml(path, "lesson.yaml", problems), problems) is None
        assert "lesson.yaml:3: 'minutes' must be a whole number, not 'fifteen'" in [str(p) for p in problems]
    assert path.read_bytes() in _parsed and (m.Lesson, path.read_bytes()) not in _validated
    # Data that are not the cache's for their bytes (as a test may build by hand) are checked as usual,
    # even beside the bytes of a file checked cleanly before.
    shipped = PROJECT_ROOT / "content/en/complaints/tactics.yaml"
    assert validate_model(m.Lesson, read_yaml(shipped, "tactics.yaml", []), []) is not None
    data = {"id": "x", "title": "Not from the file"}
    source = Source("built.yaml", data=data, lines={}, raw=shipped.read_bytes())
    problems = []
    validate_model(m.Lesson, source, problems)
    plain_problems = []
    original_validate_model(m.Lesson, source, plain_problems)
    assert problems == plain_problems != []


def test_every_shipped_file_reads_as_without_the_cache():
    files = sorted((PROJECT_ROOT / "content").rglob("*.yaml"))
    assert len(files) > 150
    for path in files:
        for _ in range(2):  # the second read comes from the cache
            problems, plain_problems = [], []
            cached, plain = read_yaml(path, "shown/" + path.name, problems), original_read_yaml(path, "shown/" + path.name, plain_problems)
            assert problems == plain_problems == []
            assert (cached.path, cached.file, cached.raw) == (plain.path, plain.file, plain.raw) == ("shown/" + path.name, path, path.read_bytes())
            assert cached.data == plain.data, path
            assert cached.lines == plain.lines, path
        assert path.read_bytes() in _parsed


def test_new_bytes_are_parsed_again_and_a_file_with_a_problem_every_time(tmp_path):
    path = tmp_path / "lesson.yaml"
    path.write_text("id: one\ntitle: First\n", encoding="utf-8")
    first = read_yaml(path, "lesson.yaml", [])
    path.write_text("id: one\n\ntitle: Second\n", encoding="utf-8")
    second = read_yaml(path, "lesson.yaml", [])
    assert (first.data, first.lines) == ({"id": "one", "title": "First"}, {("id",): 1, ("title",): 2})
    assert (second.data, second.lines) == ({"id": "one", "title": "Second"}, {("id",): 1, ("title",): 3})

    path.write_text("id: one\nid: two\n", encoding="utf-8")
    for _ in range(2):
        problems = []
        read_yaml(path, "lesson.yaml", problems)
        assert [str(p) for p in problems] == ["lesson.yaml:2: duplicate key 'id' (first on line 1)"]
    assert path.read_bytes() not in _parsed
    path.write_text("title: a: b\n", encoding="utf-8")
    for _ in range(2):
        problems = []
        assert read_yaml(path, "lesson.yaml", problems) is None
        assert len(problems) == 1 and problems[0].message.startswith("YAML syntax error: mapping values are not allowed")
