"""Aula's benchmarks: `make bench` (python -m bench) runs them all and writes
bench/RESULTS.md. Benchmarks are not tests: they measure, they never assert
a timing, and `make test` does not run them."""

#: name -> (module, title, time budget in seconds). Each runs in its own
#: process, stopped if it overruns its budget by 20 s. The budgets add up to
#: 1,410 s; with the margins, at most 1,550 s (about 26 minutes) even if every one
#: runs out (a run takes far less: see RESULTS.md).
BENCHMARKS = {
    "lesson": ("bench.lesson_page", "Course pages under gunicorn", 260),
    "writes": ("bench.writes", "Concurrent progress and quiz writes (SQLite in WAL mode, then PostgreSQL)", 220),
    "export": ("bench.export", "CSV export of 1,000,000 learner-module rows", 280),
    "reminders": ("bench.reminders", "Reminders: one tick over 100,000 learners", 120),
    "startup": ("bench.startup", "Start-up: loading and validating the course", 200),
    "senders": ("bench.senders", "Reminders: --senders N against a mail server taking 20 ms a message", 150),
    "lighthouse": ("bench.lighthouse", "Lighthouse on the course home and a lesson", 180),
    "dashboard": ("bench.dashboard", "Admin dashboard over 100,000 learners", 240),
}
