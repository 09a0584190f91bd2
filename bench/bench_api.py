"""Requests per second and latency of the API over the whole dataset, measured with wrk.

1. Fills a fresh store with every post of the dataset as ``bench_promote.fill`` does (on
   the embedded default ``earnest up --speed 0 --timeline original``; in services mode the
   three workers, ``earnest serve`` and ``earnest replay``), then stops the pipeline and
   leaves one ``earnest serve`` process answering over the filled store.
2. For each route, runs ``wrk`` (a C load generator: not the bottleneck) with
   ``--connections`` connections for ``--seconds`` seconds, sending
   ``Accept-Encoding: gzip`` as a browser does; then again with ``If-None-Match`` set to
   the route's current ETag (each answer a 304).

Needs Debian's ``wrk`` (``apt-get install -y wrk``; installed here when run as root).
Prints a Markdown table, and the load average seen before and after each run: the
machine is shared, and a load over 1.5 means the figures are low.

Usage: python bench/bench_api.py --backend embedded|services [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_promote import add_backend_arguments, fill, in_fresh_home
from earnest.testing import EarnestProcess, free_port

ROUTES = ["/subreddits", "/subreddit/askscience?limit=50", "/status"]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
        if found := shutil.which("wrk"):
            return found
    sys.exit("error: wrk is missing: install it with `apt-get install -y wrk` (Debian), "
             "then run this again")


def seconds(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_wrk(wrk: str, url: str, headers: dict[str, str], connections: int,
            duration: int) -> dict:
    command = [wrk, "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    load_before = os.getloadavg()[0]
    out = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, flags=re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)$", out, flags=re.MULTILINE)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),  # type: ignore[index]
        "p50_ms": seconds(latency["50"]) * 1000,
        "p99_ms": seconds(latency["99"]) * 1000,
        "transfer": re.search(r"Transfer/sec:\s+(\S+)", out)[1],  # type: ignore[index]
        "bad": int(errors[1]) if errors else 0,
        "socket_errors": socket_errors[1] if socket_errors else "",
        "load": (round(load_before, 2), round(os.getloadavg()[0], 2)),
    }


def measure(api: EarnestProcess, wrk: str, args: argparse.Namespace) -> list[dict]:
    rows = []
    for route in ROUTES:
        first = api.get(route)
        assert first.status_code == 200, (route, first.status_code, first.text[:200])
        api.get(route)  # the answer is built: wrk measures serving it
        for conditional in (False, True):
            headers = {"Accept-Encoding": "gzip"}
            if conditional:
                headers["If-None-Match"] = api.get(route).headers["etag"]
            result = run_wrk(wrk, api.url + route, headers, args.connections, args.seconds)
            rows.append({"route": route, "if_none_match": conditional, **result})
            print(rows[-1], flush=True)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| route | If-None-Match | requests/s | p50 | p99 | non-2xx/3xx | load before/after |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append(f"| `GET {r['route']}` | {'yes (304)' if r['if_none_match'] else 'no'} "
                     f"| {r['rps']:,.0f} | {r['p50_ms']:.1f} ms | {r['p99_ms']:.1f} ms "
                     f"| {r['bad']} | {r['load'][0]} / {r['load'][1]} |")
    return "\n".join(lines)


def bench(env: dict[str, str], home: Path, args: argparse.Namespace, wrk: str) -> list[dict]:
    filler, processes = fill(env, home, args.backend)
    try:
        for process in processes:  # the workers and the replay: idle from here on
            process.stop()
        if args.backend == "embedded":
            filler.stop()
            port = free_port()
            api = EarnestProcess(["serve", "--port", str(port)], env, port, home / "serve.log")
            api.wait_for_api(60)
        else:
            api = filler
        try:
            return measure(api, wrk, args)
        finally:
            api.stop()
    finally:
        filler.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_backend_arguments(parser)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    wrk = ensure_wrk()
    rows = in_fresh_home(args, lambda env, home: bench(env, home, args, wrk))
    print(f"\n{args.backend}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
          f"wrk -t 2 -c {args.connections} -d {args.seconds}s\n")
    print(table(rows))


if __name__ == "__main__":
    main()
