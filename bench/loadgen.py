"""HTTP load: wrk when it is there, else a small asyncio load generator.

Both give the same numbers: requests per second, p50 and p99 latency, and
the count of non-2xx answers and socket errors, for a fixed time at a fixed
number of connections. The Python generator shares the CPU with the server
far more greedily than wrk, so its absolute figures are lower; the ratios
between two endpoints measured the same way still compare.
"""
from __future__ import annotations

import asyncio
import re
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .common import percentile


@dataclass
class Load:
    tool: str
    url: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """The figures wrk --latency prints."""
    figures = {"non_2xx": 0, "socket_errors": 0}
    if m := re.search(r"^\s*50%\s+(\S+)", output, re.M):
        figures["p50_ms"] = _ms(m.group(1))
    if m := re.search(r"^\s*99%\s+(\S+)", output, re.M):
        figures["p99_ms"] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", output):
        figures["requests"] = int(m.group(1))
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        figures["rps"] = float(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        figures["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        figures["socket_errors"] = sum(int(g) for g in m.groups())
    missing = {"p50_ms", "p99_ms", "requests", "rps"} - set(figures)
    if missing:
        raise ValueError(f"could not read {sorted(missing)} from wrk's output:\n{output}")
    return figures


def run_wrk(wrk: str, url: str, *, connections: int, seconds: int, headers: dict, threads: int = 2) -> Load:
    args = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    args.append(url)
    output = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    f = parse_wrk(output)
    return Load("wrk", url, connections, seconds, f["requests"], f["rps"], f["p50_ms"], f["p99_ms"],
                f["non_2xx"], f["socket_errors"])


async def _client(host, port, request: bytes, stop_at: float, latencies: list, counts: dict):
    reader = writer = None
    reused = False
    while time.monotonic() < stop_at:
        try:
            reused = writer is not None
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 10)
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            except asyncio.IncompleteReadError as exc:
                if not exc.partial and reused:  # the server had closed the idle connection
                    writer.close()
                    reader = writer = None
                    continue
                raise
            status = int(head.split(b" ", 2)[1])
            length = 0
            keep = head.startswith(b"HTTP/1.1")
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection":
                    keep = value.strip().lower() == b"keep-alive" or (keep and value.strip().lower() != b"close")
            if length:
                await asyncio.wait_for(reader.readexactly(length), 10)
            elif not keep:
                await asyncio.wait_for(reader.read(), 10)  # no length: the body ends with the connection
            latencies.append((time.perf_counter() - start) * 1000)
            if not 200 <= status < 400:
                counts["non_2xx"] += 1
            if not keep:
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError, IndexError):
            counts["socket_errors"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def run_python(url: str, *, connections: int, seconds: int, headers: dict) -> Load:
    parts = urlsplit(url)
    lines = [f"GET {parts.path or '/'} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    latencies: list[float] = []
    counts = {"non_2xx": 0, "socket_errors": 0}

    async def main():
        stop_at = time.monotonic() + seconds
        await asyncio.gather(*(_client(parts.hostname, parts.port, request, stop_at, latencies, counts)
                               for _ in range(connections)))

    started = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - started
    return Load("python", url, connections, seconds, len(latencies), len(latencies) / elapsed,
                percentile(latencies, 0.50), percentile(latencies, 0.99), counts["non_2xx"], counts["socket_errors"])
