"""Where `make tools` put the third-party clients the tests run, and how to call them."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
TOOLS = Path(os.environ.get("AULA_TOOLS", PROJECT_ROOT / ".tools"))
NODE_SCRIPTS = Path(__file__).resolve().parent / "node"
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"


def need(path: Path | str, how: str = "run `make tools`") -> str:
    """The path or command, else the test fails with one line saying how to install it."""
    found = (str(path) if Path(path).exists() else None) if Path(path).is_absolute() else shutil.which(str(path))
    if not found:
        pytest.fail(f"{path} is missing: {how}", pytrace=False)
    return found


def nu_html_check(files: list[Path]) -> list[dict]:
    """Every error the Nu Html Checker finds in these files (one JVM for all of them)."""
    java = need("java", "apt-get install default-jre-headless (make tools does it as root)")
    result = subprocess.run([java, "-jar", need(VNU_JAR), "--errors-only", "--format", "json",
                             *map(str, files)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert result.returncode == (1 if messages else 0), result.stderr[-2000:]
    return messages


def ical_js_expand(jobs: list[tuple[Path, int, int]]) -> list[list[int]]:
    """Mozilla's ical.js (in Node) expands each feed: the Unix start of every occurrence in [start, end)."""
    node = need("node", "apt-get install nodejs (make tools does it as root)")
    need(TOOLS / "node_modules" / "ical.js" / "package.json")
    payload = json.dumps([{"file": str(f), "start": s, "end": e} for f, s, e in jobs])
    result = subprocess.run([node, str(NODE_SCRIPTS / "expand-ics.mjs")], input=payload, capture_output=True,
                            text=True, timeout=300, env={**os.environ, "AULA_TOOLS": str(TOOLS)})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def lighthouse(url: str, folder: Path, preset: str, cookie: str | None = None) -> dict:
    """Lighthouse's report on one page (accessibility, best practices and SEO) in Debian's Chromium."""
    node = need("node", "apt-get install nodejs (make tools does it as root)")
    chromium = need("/usr/bin/chromium", "apt-get install chromium")
    report = folder / "report.json"
    command = [node, need(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=accessibility,best-practices,seo",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
               "--disable-background-networking --disable-component-update --disable-sync"]
    if preset == "desktop":
        command.append("--preset=desktop")
    if cookie:
        headers = folder / "headers.json"
        headers.write_text(json.dumps({"Cookie": cookie}))
        command.append(f"--extra-headers={headers}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "CHROME_PATH": chromium}, cwd=folder)
    assert result.returncode == 0 and report.exists(), result.stderr[-3000:]
    return json.loads(report.read_text())


def lighthouse_failures(report: dict) -> list[str]:
    """Every scored audit below 1, with Lighthouse's explanation."""
    failures = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                failures.append(f"{category['id']}: {audit['id']}: {audit['title']} {audit.get('explanation') or ''}")
    return failures
