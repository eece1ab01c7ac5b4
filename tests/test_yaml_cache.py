"""tests/yaml_cache.py (the suite's per-process cache of parsed content files) against the plain read."""
from course.config import PROJECT_ROOT
from course.content import loader, validate, yamlsource
from tests.yaml_cache import _parsed, original_read_yaml, read_yaml


def test_the_suite_uses_the_cache():
    assert loader.read_yaml is validate.read_yaml is yamlsource.read_yaml is read_yaml


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
