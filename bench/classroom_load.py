#!/usr/bin/python3
"""A classroom's load on `ppisim serve`: CLIENTS browsers at once, each
playing a year of weekly ticks (the page's chart series) and drawing the
graph every fourth tick, as the page does. Prints wall time and the latency
of a tick. Usage: bench/classroom_load.py [CLIENTS] (default 30)."""

from __future__ import annotations

import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "cli"))
from serve_support import Server  # noqa: E402

CHART_SERIES = ["any_bf_share", "referrals", "volunteers_active", "mothers_waiting", "prof_boundary_concern",
                "prof_gatekeeping", "prof_trust_in_volunteers", "tension_index"]
TICKS = 52


def main(clients: int) -> None:
    server = Server()
    latencies: list[float] = []

    def browser(_: int) -> None:
        session = server.open_session()
        for tick in range(TICKS):
            started = time.monotonic()
            server.advance(session, 7, CHART_SERIES, since=tick * 7)
            latencies.append(time.monotonic() - started)
            if tick % 4 == 3:
                server.ok("GET", f"/api/sessions/{session}/graph?max_nodes=400")
        server.ok("POST", f"/api/sessions/{session}/close")

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(browser, range(clients)))
    elapsed = time.monotonic() - started
    server.stop()
    latencies.sort()
    print(f"{clients} browsers x {TICKS} weekly ticks (+{TICKS // 4} graphs each): {elapsed:.2f} s; "
          f"tick latency median {statistics.median(latencies) * 1000:.1f} ms, "
          f"95th percentile {latencies[int(0.95 * len(latencies))] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
