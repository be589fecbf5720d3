#!/usr/bin/env python3
"""Loads linkplane's /docs/ page in headless Chromium and checks, over the
Chrome DevTools Protocol (websocket-client, no other driver):

1. the Swagger UI reference renders: the title is `linkplane`, the
   operation list holds `/v1/resolve`, and there are operations of every tag;
2. every request the page makes (documents, scripts, styles, images, fetches,
   workers, frames: all targets are auto-attached) goes to 127.0.0.1 or
   localhost, never to a CDN or elsewhere;
3. a screenshot is saved (default target/docs-screenshot.png).

Usage: docs_check.py URL [--screenshot PATH] [--chromium PATH] [--timeout S]
scripts/ci-docs-browser.sh starts a server and runs this. Exit 0 when every
check holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

import websocket  # websocket-client

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Schemes that never touch the network.
NON_NETWORK_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}

# Chromium itself must not phone home either (the check is about the page,
# but a quiet browser keeps the capture readable and the run fast).
CHROMIUM_FLAGS = [
    "--headless",
    "--disable-gpu",
    "--no-proxy-server",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-sync",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    "--hide-scrollbars",
    "--mute-audio",
    "--window-size=1280,1000",
]


class CheckFailed(Exception):
    pass


class Browser:
    """A headless Chromium and one CDP websocket to it (flat sessions)."""

    def __init__(self, chromium: str, deadline: float):
        self.deadline = deadline
        self.profile = tempfile.mkdtemp(prefix="linkplane-docs-chromium.")
        args = [chromium, *CHROMIUM_FLAGS, "--remote-debugging-port=0", f"--user-data-dir={self.profile}"]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium's sandbox refuses to run as root
        args.append("about:blank")
        self.log = open(os.path.join(self.profile, "chromium.log"), "w+b")
        # Its own process group, so that stopping it stops its helpers too.
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        ws_url = self._devtools_url()
        self.ws = websocket.create_connection(ws_url, timeout=5, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def _devtools_url(self) -> str:
        # With --remote-debugging-port=0 Chromium writes the port it chose
        # and the browser target's path to DevToolsActivePort.
        path = os.path.join(self.profile, "DevToolsActivePort")
        while time.monotonic() < self.deadline:
            if self.proc.poll() is not None:
                raise CheckFailed(f"chromium exited with {self.proc.returncode}: {self.chromium_log()}")
            try:
                with open(path) as f:
                    lines = f.read().split()
                if len(lines) >= 2:
                    return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
            except FileNotFoundError:
                pass
            time.sleep(0.05)
        raise CheckFailed(f"chromium did not open its DevTools port: {self.chromium_log()}")

    def chromium_log(self) -> str:
        try:
            self.log.seek(0)
            return self.log.read().decode("utf-8", "replace")[-2000:]
        except (OSError, ValueError):
            return ""

    def _recv(self) -> dict | None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise CheckFailed("timed out talking to chromium")
        self.ws.settimeout(min(remaining, 0.25))
        try:
            return json.loads(self.ws.recv())
        except websocket.WebSocketTimeoutException:
            return None

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Sends a command and waits for its result, keeping the events that
        arrive meanwhile."""
        self.next_id += 1
        msg: dict = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            m = self._recv()
            if m is None:
                continue
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise CheckFailed(f"{method}: {m['error']}")
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def send_nowait(self, method: str, params: dict | None = None, session: str | None = None) -> None:
        self.next_id += 1
        msg: dict = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))

    def pump(self, seconds: float) -> None:
        """Collects events for up to `seconds`."""
        until = min(time.monotonic() + seconds, self.deadline)
        while time.monotonic() < until:
            m = self._recv()
            if m is not None and "method" in m:
                self.events.append(m)

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


def check_docs(url: str, screenshot: str, chromium: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    b = Browser(chromium, deadline)
    try:
        run(b, url, screenshot)
    finally:
        b.close()


def run(b: Browser, url: str, screenshot: str) -> None:
    # A fresh tab, attached with a flat session; every target it starts
    # (workers, out-of-process frames) is attached too and held until its
    # network capture is on.
    target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    page = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    requests: list[tuple[str, str, str]] = []  # (url, resource type, session)
    exceptions: list[str] = []
    sessions = {page}

    def enable(session: str) -> None:
        b.send("Network.enable", {}, session)
        b.send(
            "Target.setAutoAttach",
            {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
            session,
        )

    def handle_events() -> None:
        while b.events:
            ev = b.events.pop(0)
            method, params, session = ev["method"], ev.get("params", {}), ev.get("sessionId", "")
            if method == "Network.requestWillBeSent":
                requests.append((params["request"]["url"], params.get("type", "?"), session))
            elif method == "Network.webSocketCreated":
                requests.append((params["url"], "WebSocket", session))
            elif method == "Target.attachedToTarget":
                child = params["sessionId"]
                sessions.add(child)
                enable(child)
                b.send_nowait("Runtime.runIfWaitingForDebugger", {}, child)
            elif method == "Runtime.exceptionThrown":
                d = params.get("exceptionDetails", {})
                exceptions.append(d.get("exception", {}).get("description") or d.get("text", "?"))

    enable(page)
    b.send("Page.enable", {}, page)
    b.send("Runtime.enable", {}, page)
    b.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        page,
    )
    nav = b.send("Page.navigate", {"url": url}, page)
    if nav.get("errorText"):
        raise CheckFailed(f"navigating to {url}: {nav['errorText']}")

    # Wait for the operations to render.
    def evaluate(expr: str):
        r = b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True}, page)
        if "exceptionDetails" in r:
            raise CheckFailed(f"evaluating {expr!r}: {r['exceptionDetails']}")
        return r.get("result", {}).get("value")

    state = None
    probe = """(() => {
        const all = (sel, attr) =>
            [...document.querySelectorAll(sel)].map(e => e.getAttribute(attr) || e.textContent.trim());
        return {
            title: (document.querySelector('.information-container .title') || {}).textContent || '',
            ops: all('.opblock-summary-path', 'data-path'),
            tags: all('.opblock-tag', 'data-tag'),
            errors: all('.errors-wrapper .error-wrapper, .loading-container .errors', 'data-none'),
        };
    })()"""
    while True:
        b.pump(0.2)
        handle_events()
        state = evaluate(probe)
        if state and state["ops"]:
            break
        if time.monotonic() > b.deadline - 5:
            raise CheckFailed(f"the operation list never rendered; page state: {json.dumps(state)}")

    # Quiet period: let late requests (images, badges, fonts) show up.
    last = -1
    while len(requests) != last and time.monotonic() < b.deadline - 3:
        last = len(requests)
        b.pump(1.0)
        handle_events()
    state = evaluate(probe)

    # 1. The reference rendered.
    failures = []
    if not state["title"].strip().startswith("linkplane"):
        failures.append(f"the title is {state['title']!r}, want 'linkplane'")
    if "/v1/resolve" not in state["ops"]:
        failures.append(f"the operation list lacks /v1/resolve ({len(state['ops'])} operations)")
    if len(state["ops"]) < 50:
        failures.append(f"only {len(state['ops'])} operations rendered")
    if state["errors"]:
        failures.append(f"Swagger UI shows errors: {state['errors']}")
    if exceptions:
        failures.append(f"uncaught exceptions on the page: {exceptions}")

    # 2. Nothing left 127.0.0.1.
    network = [(u, t) for (u, t, _) in requests if urlsplit(u).scheme not in NON_NETWORK_SCHEMES]
    outside = [(u, t) for (u, t) in network if (urlsplit(u).hostname or "") not in LOCAL_HOSTS]
    if not any(u.rstrip("/").endswith("/openapi.json") for u, _ in network):
        failures.append("the page never requested /openapi.json (was the capture on?)")
    if outside:
        failures.append("requests left 127.0.0.1: " + ", ".join(f"{t} {u}" for u, t in outside))

    # 3. The screenshot (the whole page height, up to 6000 px).
    height = int(evaluate("Math.min(document.documentElement.scrollHeight, 6000)") or 1000)
    shot = b.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
        },
        page,
    )
    os.makedirs(os.path.dirname(os.path.abspath(screenshot)), exist_ok=True)
    with open(screenshot, "wb") as f:
        f.write(base64.b64decode(shot["data"]))

    name = state["title"].split()[0] if state["title"].split() else "?"
    print(f"docs: {name}: {len(state['ops'])} operations in {len(state['tags'])} tags; /v1/resolve listed")
    hosts = sorted({urlsplit(u).netloc for u, _ in network})
    kinds: dict[str, int] = {}
    for _, t in network:
        kinds[t] = kinds.get(t, 0) + 1
    print(
        f"docs: {len(network)} requests in {len(sessions)} session(s) "
        f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), hosts: {', '.join(hosts)}"
    )
    for u, t in network:
        print(f"      {t:10} {u}")
    print(f"docs: screenshot {screenshot} (1280x{height})")
    if failures:
        raise CheckFailed("; ".join(failures))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="the docs page, e.g. http://127.0.0.1:8080/docs/")
    ap.add_argument("--screenshot", default="target/docs-screenshot.png")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole check")
    a = ap.parse_args()
    if (urlsplit(a.url).hostname or "") not in LOCAL_HOSTS:
        print(f"docs: {a.url} is not on 127.0.0.1", file=sys.stderr)
        return 2
    try:
        check_docs(a.url, a.screenshot, a.chromium, a.timeout)
    except CheckFailed as e:
        print(f"docs: FAILED: {e}", file=sys.stderr)
        return 1
    print("docs: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
