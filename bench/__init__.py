"""Aula's benchmarks: `make bench` (python -m bench) runs them all and writes
bench/RESULTS.md. Benchmarks are not tests: they measure, they never assert
a timing, and `make test` does not run them."""

#: name -> (module, title, time budget in seconds). Each runs in its own
#: process, killed if it overruns its budget by a minute.
BENCHMARKS = {
    "lesson": ("bench.lesson_page", "Lesson page under gunicorn", 120),
    "writes": ("bench.writes", "Concurrent progress and quiz writes (SQLite, WAL)", 100),
    "export": ("bench.export", "CSV export of 1,000,000 learner-module rows", 280),
    "reminders": ("bench.reminders", "Reminders: one tick over 100,000 learners", 130),
    "startup": ("bench.startup", "Start-up: loading and validating the course", 140),
}
