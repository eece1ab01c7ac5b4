"""bench/RESULTS.md from the benchmarks' results."""
from __future__ import annotations

from pathlib import Path

FINDINGS = Path(__file__).resolve().parent / "findings.md"


def _num(value, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        if abs(value) >= 100:
            text = f"{value:,.0f}"
        elif abs(value) >= 10:
            text = f"{value:.1f}"
        else:
            text = f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    else:
        text = f"{value:,}"
    return f"{text} {unit}".strip()


def _met(figure: dict) -> str:
    if figure.get("met") is None:
        return ""
    return "met" if figure["met"] else "**missed**"


def summary_rows(results: list[dict]) -> list[str]:
    rows = ["| # | Figure | Value | Baseline (same run) | Ratio | Target | |",
            "|---|---|---|---|---|---|---|"]
    for number, result in enumerate(results, 1):
        if result.get("error") and not result.get("figures"):
            rows.append(f"| {number} | {result['title']} | failed: see below | | | | |")
        for figure in result.get("figures", []):
            baseline = ""
            if figure.get("baseline") is not None:
                baseline = f"{_num(figure['baseline'], figure['unit'])} ({figure['baseline_name']})"
            ratio = f"{figure['ratio']:.2f}x" if figure.get("ratio") is not None else ""
            rows.append(f"| {number} | {figure['name']} | {_num(figure['value'], figure['unit'])} | {baseline} "
                        f"| {ratio} | {figure.get('target', '')} | {_met(figure)} |")
    return rows


def _details(details: dict) -> list[str]:
    lines = []
    for key, value in details.items():
        if key == "profile" or key == "server_log":
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            keys = list(value[0])
            lines.append(f"- {key}:")
            lines.append("")
            lines.append("  | " + " | ".join(keys) + " |")
            lines.append("  |" + "---|" * len(keys))
            for row in value:
                lines.append("  | " + " | ".join(_num(row.get(k)) if isinstance(row.get(k), (int, float)) else str(row.get(k)) for k in keys) + " |")
            lines.append("")
        elif isinstance(value, float):
            lines.append(f"- {key}: {_num(value)}")
        else:
            lines.append(f"- {key}: {value}")
    return lines


def render(results: list[dict], machine: dict, *, command: str, when, total_seconds: float) -> str:
    load = machine.get("load_average")
    load_text = ", ".join(f"{x:.2f}" for x in load) if load else "n/a"
    lines = [
        "# Benchmark results",
        "",
        "Written by `" + command + "`; do not edit by hand (the analysis of misses lives in "
        "`bench/findings.md` and is copied in below).",
        "",
        f"- Command: `{command}` ({total_seconds / 60:.1f} minutes in all)",
        f"- Date: {when:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine.get('cores')} cores ({machine.get('cpu')}), {machine.get('memory')} RAM, "
        f"{machine.get('os')}",
        f"- Python {machine.get('python')} ({machine.get('implementation')}), SQLite {machine.get('sqlite')}",
        f"- Load average when the run started: {load_text}",
        "",
        *([f"**Sizes scaled by {machine['scale']} (AULA_BENCH_SCALE): not the sizes the issue asks for.**", ""]
          if machine.get("scale") else []),
        "Every figure is compared with a baseline measured in the same run on the same machine; "
        "the load generator, the server and the database share the same cores, so the ratios "
        "carry the meaning, not the absolute numbers.",
        "",
        "## Summary",
        "",
        *summary_rows(results),
        "",
    ]
    for number, result in enumerate(results, 1):
        lines += [f"## {number}. {result['title']}", ""]
        if result.get("error"):
            lines += ["The benchmark failed:", "", "```", result["error"].strip(), "```", ""]
        lines += _details(result.get("details", {}))
        if result.get("notes"):
            lines += ["", *[f"- Note: {note}" for note in result["notes"]]]
        profile = result.get("details", {}).get("profile")
        if profile:
            lines += ["", "Profile (cProfile, top entries):", "", "```",
                      profile.strip(), "```"]
        lines += ["", f"({result.get('wall_seconds', result.get('seconds', 0)):.0f} s)", ""]
    if FINDINGS.exists():
        lines += [FINDINGS.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines)
