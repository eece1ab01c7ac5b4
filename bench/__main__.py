"""`python -m bench [NAME ...]`: run the benchmarks, each in its own process,
and write bench/RESULTS.md (only when all of them ran, unless --output is
given). Names: lesson, writes, export, reminders, startup, dashboard."""
import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import BENCHMARKS
from .common import PROJECT_ROOT, SCALE, log, machine
from .report import render

OUT_DIR = PROJECT_ROOT / "bench" / "out"


def run_one(name: str) -> dict:
    module, title, budget = BENCHMARKS[name]
    out = OUT_DIR / f"{name}.json"
    out.unlink(missing_ok=True)
    log(f"{name}: {title} (budget {budget} s)")
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "bench.one", name, str(out)], cwd=PROJECT_ROOT,
                             start_new_session=True)
    try:
        child.wait(timeout=budget + 20)
    except subprocess.TimeoutExpired:
        # SIGTERM first: the benchmark's clean-up (servers, temporary files)
        # runs; then SIGKILL for whatever is left of its process group.
        log(f"{name}: stopped after {budget + 20} s")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    seconds = time.perf_counter() - started
    if out.exists():
        data = json.loads(out.read_text(encoding="utf-8"))
    else:
        data = {"name": name, "title": title, "figures": [], "notes": [], "details": {},
                "error": f"the benchmark did not finish within {budget + 20} s", "seconds": seconds}
    data["wall_seconds"] = seconds
    log(f"{name}: done in {seconds:.0f} s" + (" (with an error)" if data.get("error") else ""))
    return data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--output", type=Path, help="where to write the results (Markdown)")
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: write bench/RESULTS.md again from the last full run's "
                             "bench/out/results.json (after editing bench/findings.md)")
    args = parser.parse_args(argv)
    if args.render:
        saved = json.loads((OUT_DIR / "results.json").read_text(encoding="utf-8"))
        if saved.get("command") != "make bench":
            parser.error("bench/out/results.json is not from a full run (make bench)")
        document = render(saved["results"], saved["machine"], command=saved["command"],
                          when=datetime.fromisoformat(saved["when"]), total_seconds=saved["total_seconds"])
        (args.output or PROJECT_ROOT / "bench" / "RESULTS.md").write_text(document, encoding="utf-8")
        return 0
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    started = time.perf_counter()
    info = machine()
    if SCALE != 1:
        info["scale"] = SCALE
    results = [run_one(name) for name in names]
    total = time.perf_counter() - started
    command = "make bench" if not args.names else "python -m bench " + " ".join(names)
    when = datetime.now(timezone.utc)
    document = render(results, info, command=command, when=when, total_seconds=total)
    saved_as = OUT_DIR / ("results.json" if not args.names else "results-partial.json")
    saved_as.write_text(json.dumps({
        "machine": info, "results": results, "command": command, "when": when.isoformat(), "total_seconds": total,
    }, indent=2, default=str))
    output = args.output or (PROJECT_ROOT / "bench" / "RESULTS.md" if not args.names else OUT_DIR / "RESULTS.md")
    output.write_text(document, encoding="utf-8")
    print(document)
    log(f"all done in {total:.0f} s; results in {output}")
    return 1 if any(r.get("error") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
