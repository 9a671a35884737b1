"""What every page test shares: a real server process, Debian's Chromium, the demo street,
signing in as a demo account, phone and desktop widths, screenshots and a Chinese-text check."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, expect

from api.demo import DEMO_PASSWORD, seed
from api.services import open_services
from pointsbank.settings import Settings

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
# Latin text a Chinese page may still show: the product's name, codes in capitals (rule codes,
# API, QR), units, and anything with a digit in it.
ALLOWED_LATIN = re.compile(
    r"pointsbank|[A-Z][A-Z0-9_]+|kg|[A-Za-z0-9_.:/@+-]*\d[A-Za-z0-9_.:/@+-]*"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(database_url: str, **settings: str) -> Iterator[str]:
    """A real uvicorn process on the database (and other settings, e.g. clock_shift_days);
    yields its base URL."""
    port = free_port()
    env = {**os.environ, "POINTSBANK_DATABASE_URL": database_url}
    env.update({f"POINTSBANK_{name.upper()}": value for name, value in settings.items()})
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{url}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass(frozen=True)
class DemoSite:
    """A served demo street (`pointsbank demo`): accounts demo-staff-tianxi, demo-staff2-tianxi,
    demo-clerk-tianxi (and -zumiao), demo-admin, demo-auditor; password DEMO_PASSWORD."""

    url: str
    database_url: str


def seed_demo(database_url: str) -> None:
    services = open_services(Settings(database_url=database_url))
    try:
        for _ in seed(services):
            pass
    finally:
        services.close()


def sign_in(page: Page, url: str, name: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in on the sign-in page as a person would, and wait for the home page."""
    page.goto(f"{url}/ui/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/ui/login$"))


def new_page(browser: Browser, width: str = "phone") -> Page:
    """A fresh browser context (own cookies) at phone (390 px) or desktop width."""
    return browser.new_context(viewport=WIDTHS[width], locale="zh-CN").new_page()


def screenshot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot as a test artefact under var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def latin_words(page: Page) -> list[str]:
    """Visible words in Latin script that are not numbers, codes or allowed names: on a
    Chinese page this should be empty (user data such as a note typed in English aside)."""
    # The header names the street and the signed-in user: their own data, not the page's text.
    text = "\n".join(page.locator("nav, main").all_inner_texts())
    # Whole tokens, so that a code such as a receipt number (20261124-9A3F01B) is one token
    # with digits, not a stray "B" after its digits.
    tokens = re.findall(r"[A-Za-z0-9_.:/@+-]+", text)
    return [w for w in tokens if re.search("[A-Za-z]", w) and not ALLOWED_LATIN.fullmatch(w)]


def fits_width(page: Page) -> bool:
    """Nothing overflows the viewport sideways (the page works at phone width)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
