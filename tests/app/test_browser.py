"""End to end in a real browser: Debian's headless Chromium driven by Playwright against
the simulator running in a subprocess. Skipped, with the reason, when Shiny, Playwright or
the chromium binary is missing (CI installs them: see .ci/run and scripts/test.sh)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import fundmodel

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = [name for name in ("shiny", "playwright") if importlib.util.find_spec(name) is None]
if MISSING or CHROMIUM is None:
    pytest.skip("browser tests skipped: " + ", ".join(
        [*(f"Python package {m!r} not installed (pip install -e '.[app,test]')" for m in MISSING),
         *(["no chromium binary on PATH (apt-get install -y chromium)"] if CHROMIUM is None
           else [])]), allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
COUNCILS = ("E06000001", "E08000025", "E09000033")  # Hartlepool, Birmingham, Westminster
TIMEOUT = 90_000


@pytest.fixture(scope="module")
def address() -> Iterator[str]:
    from fundmodel.app import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"),
                                                         os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "fundmodel", "app", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line
        url = f"http://127.0.0.1:{port}/"
        for _ in range(240):
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def app_browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def app_page(app_browser: Browser) -> Iterator[Page]:
    context = app_browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    yield context.new_page()
    context.close()


def _ready(page: Page) -> None:
    page.wait_for_selector("#national table", timeout=TIMEOUT)


def _shown_amount(page: Page, code: str) -> Decimal:
    text = page.locator(f'#table tr[data-code="{code}"] td.amount').inner_text(timeout=TIMEOUT)
    return Decimal(re.sub(r"[£,]", "", text))


def _expected(weights: dict[str, float]) -> pd.Series:
    defs: dict[str, dict[str, Any]] = {
        "population": {"column": "children_0_17"},
        "deprivation": {"column": "child_poverty_pct", "times": "children_0_17", "scale": 0.01}}
    formula = fundmodel.NeedsFormula(name="by hand", indicators=[
        fundmodel.Indicator(name=k, weight=w, **defs[k]) for k, w in weights.items()])
    return fundmodel.allocate(formula, fundmodel.load_authorities(), 270_000_000).council_amounts()


def _wait_for_amount(page: Page, code: str, expected: float) -> None:
    deadline = time.monotonic() + TIMEOUT / 1000
    while time.monotonic() < deadline:
        if _shown_amount(page, code) == Decimal(f"{expected:.2f}"):
            return
        time.sleep(0.3)
    assert _shown_amount(page, code) == Decimal(f"{expected:.2f}")


def _idle(page: Page) -> None:
    page.wait_for_function("() => !document.documentElement.classList.contains('shiny-busy')"
                           " && !document.querySelector('#map.recalculating')", timeout=TIMEOUT)


def _screenshot(page: Page, folder: Path) -> None:
    """The docs' picture of the app, the map tab settled: into ``folder`` (a temporary one;
    ``FUNDMODEL_UPDATE_SCREENSHOT=1`` writes docs/_static/app.png instead, so a test run
    never changes a tracked file unasked)."""
    page.get_by_role("tab", name="Map").click()
    page.wait_for_selector("#map img", timeout=TIMEOUT)
    _idle(page)
    page.evaluate("() => document.querySelectorAll('.sidebar-content, .bslib-sidebar-layout"
                  " > .sidebar').forEach(e => e.scrollTo(0, 0))")
    static = ROOT / "docs" / "_static" if os.environ.get("FUNDMODEL_UPDATE_SCREENSHOT") else folder
    static.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(static / "app.png"))
    assert (static / "app.png").read_bytes()[:4] == b"\x89PNG"


def test_move_a_weight_download_share_and_screenshot(app_page: Page, address: str,
                                                     tmp_path: Path) -> None:
    from shiny.playwright import controller

    page = app_page
    page.goto(address + "?formula=custom&w=population:40,deprivation:20")
    _ready(page)
    page.get_by_role("tab", name="Table").click()
    before = _expected({"population": 40 / 60, "deprivation": 20 / 60})
    _wait_for_amount(page, COUNCILS[0], float(before[COUNCILS[0]]))

    controller.InputSlider(page, "w_deprivation").set("60")
    after = _expected({"population": 0.4, "deprivation": 0.6})
    for code in COUNCILS:
        _wait_for_amount(page, code, float(after[code]))

    with page.expect_download(timeout=TIMEOUT) as info:
        page.click("#dl_csv")
    table = pd.read_csv(info.value.path(), dtype={"amount": str}).set_index("code")
    assert len(table) == 153
    for code, amount in after.items():
        assert Decimal(table.loc[code, "amount"]) == Decimal(f"{amount:.2f}"), code
    assert sum(Decimal(v) for v in table["amount"]) == Decimal("270000000")

    page.wait_for_function("() => location.search.includes('deprivation%3A60')",
                           timeout=TIMEOUT)
    shared = page.url
    _screenshot(page, tmp_path)

    again = page.context.new_page()
    again.goto(shared)
    _ready(again)
    assert again.evaluate("Shiny.shinyapp.$inputValues['w_deprivation']") == 60
    assert again.locator("#formula input[value=custom]").is_checked()
    again.get_by_role("tab", name="Table").click()
    for code in COUNCILS:
        _wait_for_amount(again, code, float(after[code]))


def test_bad_input_is_shown_next_to_its_control_and_the_app_keeps_running(
        app_page: Page, address: str) -> None:
    page = app_page
    page.goto(address)
    _ready(page)
    page.set_input_files("#upload", files=[{"name": "broken.yaml", "mimeType": "text/yaml",
                                            "buffer": b"kind: allocation\nheader: {title: t\n"}])
    expect(page.locator("#upload_error")).to_contain_text("broken.yaml, line",
                                                          timeout=TIMEOUT)

    page.select_option("#pot_preset", "typed")
    expect(page.locator("#pot_error")).to_contain_text("pot: empty", timeout=TIMEOUT)
    page.fill("#pot_text", "£2bn")
    page.locator("#pot_text").press("Tab")
    expect(page.locator("#pot_error")).to_contain_text(
        "pot '£2bn': type the amount in pounds as digits", timeout=TIMEOUT)

    page.fill("#pot_text", "2,000,000,000")
    page.locator("#pot_text").press("Tab")
    page.wait_for_function("() => document.querySelector('#national').innerText"
                           ".includes('£2,000.0m')", timeout=TIMEOUT)
    expect(page.locator("#pot_error")).to_have_text("", timeout=TIMEOUT)
