"""Screenshots of the demo for the README: the main pages in Arabic and in French, each on a phone
and on a desktop, taken with Debian's chromium through Playwright (``make screenshots``).

It starts its own demo (a fresh SQLite instance in a temporary folder, ``seed-demo``) on a free
loopback port, without map tiles (nothing is fetched from the internet), signs in as the demo
people (fatima reads Arabic, youssef French) and writes
``docs/screenshots/<page>-<ar|fr>-<phone|desktop>.png``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("JAM3IA_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "demo-password"  # noqa: S105 - the documented demo password
#: (name, path): ``first:<page> <selector>`` opens the first link matching on that page.
PAGES = [
    ("home", "/"),
    ("directory", "/directory?q=jam3ia"),
    ("association", "first:/directory main a[href^='/associations/']:not([href$='/new'])"),
    ("forum-topic", "first:/forums main a[href^='/topics/']"),
    ("chat", "first:/chat main a[href^='/chat/']"),
    ("project", "first:/projects main h2 a[href^='/projects/']"),
    ("offers", "/offers"),
    ("volunteering", "/volunteering"),
    ("aid", "/aid"),
    ("experts", "/experts"),
    ("campaigns", "/campaigns"),
    ("library", "/library"),
    ("profile", "first:/associations/1 .members li:nth-child(2) a[href^='/users/']"),
]
VIEWS = [
    ("ar-phone", "fatima", "ar-MA", (390, 844)),
    ("fr-desktop", "youssef", "fr-FR", (1366, 900)),
    ("fr-phone", "youssef", "fr-FR", (390, 844)),
    ("ar-desktop", "fatima", "ar-MA", (1366, 900)),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_demo() -> tuple[subprocess.Popen[bytes], str]:
    instance = tempfile.mkdtemp(prefix="jam3ia-shots-")
    # No map tiles: the screenshots do not depend on the network (the map shows its marker).
    env = {**os.environ, "JAM3IA_INSTANCE_PATH": instance, "JAM3IA_MAP_TILES_URL": ""}
    cli = [sys.executable, "-m", "app.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, cwd=ROOT)
    subprocess.run([*cli, "seed-demo", "--once"], env=env, check=True, cwd=ROOT)
    port = free_port()
    server = subprocess.Popen(
        [*cli, "run", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)  # noqa: S310 - loopback
            return server, url
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the demo did not start")


def resolve(page: object, target: str) -> str:
    """A path, or ``first:<page> <selector>``: the first link matching on that page."""
    if not target.startswith("first:"):
        return target
    where, selector = target[len("first:") :].split(" ", 1)
    page.goto(where)  # type: ignore[attr-defined]
    link = page.locator(selector).first  # type: ignore[attr-defined]
    return str(link.get_attribute("href"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    server, url = start_demo()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for view, user, locale, (width, height) in VIEWS:
                context = browser.new_context(
                    base_url=url, locale=locale, viewport={"width": width, "height": height}
                )
                page = context.new_page()
                page.goto("/login")
                page.fill("input[name=login]", user)
                page.fill("input[name=password]", PASSWORD)
                page.click("form[novalidate] button[type=submit]")
                page.wait_for_url(lambda u: "/login" not in u)
                for name, target in PAGES:
                    page.goto(resolve(page, target))
                    page.wait_for_load_state("networkidle")
                    path = OUT / f"{name}-{view}.png"
                    page.screenshot(path=str(path))
                    print(f"{path.relative_to(ROOT)}")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
