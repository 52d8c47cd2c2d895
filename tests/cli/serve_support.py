"""A `ppisim serve` process for tests: started on a free port, talked to over
HTTP, stopped with SIGTERM. Used by test_serve.py and the browser tests'
Python side."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import time
from pathlib import Path

from cli_support import REPO, binary_path

STARTUP_SECONDS = 30


class Server:
    def __init__(self, *args: str, cwd: Path = REPO, binary: Path | None = None):
        self.process = subprocess.Popen(
            [str(binary or binary_path()), "serve", "--port", "0", *args],
            cwd=str(cwd), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.port = self._read_port()

    def _read_port(self) -> int:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            found = re.search(r"http://[^:]+:(\d+)/", line)
            if found:
                return int(found.group(1))
        self.process.kill()
        raise RuntimeError(f"ppisim serve did not start: {self.process.stderr.read()}")

    def request(self, method: str, path: str, body=None, headers: dict | None = None,
                raw: bytes | None = None, timeout: float = 60):
        """(status, parsed JSON or raw bytes, response headers)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        all_headers = {"Content-Type": "application/json"} if payload is not None else {}
        all_headers.update(headers or {})
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        kind = response.getheader("Content-Type") or ""
        parsed = json.loads(data) if kind.startswith("application/json") else data
        return response.status, parsed, dict(response.getheaders())

    def ok(self, method: str, path: str, body=None):
        status, data, _ = self.request(method, path, body)
        assert 200 <= status < 300, (status, data)
        return data

    def open_session(self, scenario: str = "breastfriends") -> str:
        return self.ok("POST", "/api/sessions", {"scenario": scenario})["id"]

    def advance(self, session: str, days: int, series: list[str], since: int = 0) -> dict:
        """Both runs `days` further; the named series from day `since`."""
        return self.ok("POST", f"/api/sessions/{session}/advance", {"days": days, "series": series, "since": since})

    def change(self, session: str, path: str, value: str) -> dict:
        return self.ok("POST", f"/api/sessions/{session}/change", {"path": path, "value": value})

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=20)
        finally:
            self.process.stdout.close()
            self.process.stderr.close()
