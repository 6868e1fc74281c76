"""Fixtures for the browser tests: one private stack for the session, Chromium drivers,
and `Pages`, which every test uses to look at a page the way the issue asks: a
screenshot at desktop and phone size, axe-core, the phone checks, and the HTML kept for
the Nu checker."""
import glob
import os
import shutil
import sys

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from stack import ROOT, Stack

SCREENSHOTS = os.path.join(ROOT, "screenshots")
PAGES = os.path.join(SCREENSHOTS, "html")
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
# axe-core 4.12 from axe-playwright-python (see scripts/browser-tests).
AXE_SCRIPT = next(iter(glob.glob(os.path.join(sys.prefix, "lib", "python*", "site-packages", "axe_playwright_python", "axe.min.js"))), None)


@pytest.fixture(scope="session")
def stack():
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    os.makedirs(PAGES)
    stack = Stack()
    stack.setup_world()
    yield stack
    stack.stop()


def make_driver(javascript=True):
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--lang=en-US"):
        options.add_argument(argument)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


OPEN_DRIVERS = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test leaves a screenshot of every browser it had open, and names them."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        names = []
        for index, driver in enumerate(OPEN_DRIVERS):
            path = os.path.join(SCREENSHOTS, f"FAILED-{item.name}-{index}.png")
            try:
                driver.save_screenshot(path)
                names.append(f"{path} ({driver.current_url})")
            except Exception:
                pass
        if names:
            report.longrepr = f"{report.longrepr}\n\nScreenshots at the failure:\n  " + "\n  ".join(names)


@pytest.fixture
def browsers():
    """A factory of drivers (each a separate person with their own cookies), all quit at the end."""
    created = OPEN_DRIVERS
    created.clear()

    def new(javascript=True):
        driver = make_driver(javascript)
        created.append(driver)
        return Pages(driver)

    yield new
    for driver in list(created):
        driver.quit()
    created.clear()


class Pages:
    seen = set()

    def __init__(self, driver):
        self.driver = driver

    def get(self, stack, path):
        self.driver.get(stack.base + path)

    def look(self, name, serious_ok=()):
        """Screenshots at both sizes, accessibility and phone checks, HTML kept."""
        driver = self.driver
        name = name.replace("/", "-")
        driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}-desktop.png"))
        with open(os.path.join(PAGES, f"{name}.html"), "w") as file:
            file.write(driver.page_source if "<!DOCTYPE" in driver.page_source[:20].upper() else
                       driver.execute_script("return '<!doctype html>' + document.documentElement.outerHTML"))
        axe = Axe(driver, script_url=AXE_SCRIPT) if AXE_SCRIPT else Axe(driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v["impact"] in ("serious", "critical") and v["id"] not in serious_ok]
        assert not bad, f"{name} (see screenshots/{name}-desktop.png): " + "; ".join(
            f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        try:
            driver.save_screenshot(os.path.join(SCREENSHOTS, f"{name}-phone.png"))
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways on a phone by {overflow}px (screenshots/{name}-phone.png)"
            small = driver.execute_script(TAP_TARGETS)
            assert not small, f"{name}: tap targets under 44px on a phone: {small[:5]} (screenshots/{name}-phone.png)"
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        Pages.seen.add(name)


# Controls a finger has to hit: buttons, fields, and links that stand on their own (not
# links inside running text, which WCAG exempts). Hidden ones do not count.
TAP_TARGETS = """
const selectors = 'button, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea, ' +
    '.choice, a.button, .site-nav a, .filters a, td a, .breadcrumb a, .pager a, .plain-list a, .documents a, ' +
    '.brand, .card-head a, summary, .skip-link:focus';
const small = [];
for (const element of document.querySelectorAll(selectors)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (getComputedStyle(element).visibility === 'hidden') continue;
    if (box.height < 43.5 || (box.width < 43.5 && element.tagName !== 'TEXTAREA')) {
        small.push(element.tagName.toLowerCase() + '.' + element.className + ' "' + (element.textContent || '').trim().slice(0, 30) + '" ' +
                   Math.round(box.width) + 'x' + Math.round(box.height));
    }
}
return small;
"""
