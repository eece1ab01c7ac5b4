"""Run one benchmark in this process: python -m bench.one NAME OUT.json"""
import importlib
import json
import signal
import sys
import time
import traceback

from . import BENCHMARKS
from .common import Deadline, Result


def _stop(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: list[str]) -> int:
    # SIGTERM (the time budget ran out) unwinds the stack, so every
    # `finally` stops its servers and every Workspace removes its files.
    signal.signal(signal.SIGTERM, _stop)
    name, out = argv[0], argv[1]
    module_name, title, budget = BENCHMARKS[name]
    result = Result(name, title)
    started = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
        module.run(result, Deadline(budget))
    except (Exception, SystemExit):  # noqa: BLE001 - a broken benchmark is reported, not fatal
        result.error = traceback.format_exc(limit=8)
        print(result.error, file=sys.stderr)
    result.seconds = time.perf_counter() - started
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(result.as_dict(), fh, indent=2, default=str)
    return 0 if not result.error else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
