"""Debian's Chromium driven by Playwright (no browser is ever downloaded): launch options and helpers."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM = Path(os.environ.get("ADV_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}: install Debian's chromium (scripts/setup.sh does) or set ADV_CHROMIUM"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if shutil.which("node") is None and not _driver_present():
        return "playwright's driver is missing from the installed package"
    return None


def _driver_present() -> bool:
    import playwright

    return (Path(playwright.__file__).parent / "driver").is_dir()


def launch(playwright):
    """Chromium headless; --no-sandbox only as root, where Chromium refuses to start with its sandbox."""
    args = ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)


def log_in(page, base_url: str, name: str, password: str) -> None:
    page.goto(f"{base_url}/queue")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{base_url}/queue")
