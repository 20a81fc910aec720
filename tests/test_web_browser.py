"""A real browser against the web chat: Debian's headless Chromium, driven by Selenium.

It loads the page, asks a question, presses a did-you-mean button, takes the quick quiz to the result and
sees the chart, on a phone-sized and a desktop-sized window. With AWARDBOT_SCREENSHOTS=DIR it also saves
the screenshots there (that is how docs/web-*.png are made). Skipped, saying why, without Chromium.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
try:
    import selenium
except ImportError:  # pragma: no cover - the test extras install it
    selenium = None

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                       reason="no Chromium here: `apt-get install -y chromium chromium-driver` (Debian) to run it"),
    pytest.mark.skipif(selenium is None, reason="selenium is not installed: pip install -e '.[test]'"),
]

SIZES = {"phone": (390, 844), "desktop": (1280, 860)}


class ServerThread:
    """The web channel on 127.0.0.1 in its own thread and event loop (Selenium's calls block)."""

    def __init__(self, settings, knowledge):
        self.settings, self.knowledge = settings, knowledge
        self.url = ""
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:
            self.error = exc
            self._ready.set()

    async def _serve(self) -> None:
        from aiohttp import web

        from bot import app
        from bot.channels.web.server import build_app
        from tests.webchat import options

        core = app.Core(self.settings, self.knowledge, None)  # the store opens in this thread
        runner = web.AppRunner(build_app(core, options()), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/"
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    def __enter__(self) -> ServerThread:
        self._thread.start()
        self._ready.wait(60)
        if self.error:
            raise self.error
        return self

    def __exit__(self, *exc) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


def chromium(tmp_path: Path, size: tuple[int, int]):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=zh-CN",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}", f"--window-size={size[0]},{size[1]}"):
        opts.add_argument(flag)
    if size[0] < 500:  # a phone: touch, a device pixel ratio of 2, a mobile user agent
        opts.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": 2.0, "touch": True},
            "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                         "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47"})
    return webdriver.Chrome(options=opts, service=Service(executable_path=DRIVER))


def wait_for(driver, css: str, timeout: float = 20, count: int = 1, text: str | None = None):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def found(d):
        elements = d.find_elements(By.CSS_SELECTOR, css)
        if text is not None:
            elements = [e for e in elements if text in e.text]
        return elements if len(elements) >= count else False

    # a quiz step replaces its message: an element found a moment ago may be gone, so look again
    wait = WebDriverWait(driver, timeout, ignored_exceptions=[StaleElementReferenceException])
    return wait.until(found, f"waiting for {css} {text or ''}")


def settle(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return document.getElementById('log').getAttribute('aria-busy') === 'false'"))


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_browser_asks_presses_did_you_mean_and_takes_the_quick_quiz_to_the_chart(settings, knowledge, tmp_path,
                                                                                    size):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    shots = os.environ.get("AWARDBOT_SCREENSHOTS")
    with ServerThread(settings, knowledge) as server:
        driver = chromium(tmp_path, SIZES[size])
        try:
            driver.get(server.url)
            wait_for(driver, '.msg.bot[data-kind="start"]')  # the greeting, sent by the page on first load
            assert driver.find_element(By.CSS_SELECTOR, 'meta[name="csrf-token"]').get_attribute("content")
            box = driver.find_element(By.ID, "input")
            box.send_keys("战略部署怎么写", Keys.ENTER)  # the keyboard alone: type and Enter
            wait_for(driver, '.msg.bot[data-kind="answer"]', text="4.2.3")
            settle(driver)
            box.send_keys("顾客", Keys.ENTER)
            unsure = wait_for(driver, '.msg.bot[data-kind="unsure"]')[-1]
            choice = unsure.find_elements(By.CSS_SELECTOR, "button.chip")[0]
            title = choice.text
            choice.click()
            wait_for(driver, '.msg.bot[data-kind="answer"]', count=2)
            settle(driver)
            answers = driver.find_elements(By.CSS_SELECTOR, '.msg.bot[data-kind="answer"]')
            assert title.lstrip("↪ ").split(" ")[-1] in answers[-1].text
            if shots:
                driver.save_screenshot(str(Path(shots) / f"web-{size}-answer.png"))
            # the quick quiz, from the shortcut above the input, one button per question
            driver.find_element(By.CSS_SELECTOR, '.quick [data-cmd="/quiz"]').click()
            wait_for(driver, '.msg.bot[data-kind="quiz_choose"] button.chip')[-1]
            driver.find_elements(By.CSS_SELECTOR, '.msg.bot[data-kind="quiz_choose"] button.chip')[0].click()
            for n in range(1, 15):
                wait_for(driver, '.msg.bot[data-kind="quiz_question"]', text=f"第 {n}/14 题")
                settle(driver)
                letters = driver.find_elements(By.CSS_SELECTOR, '.msg.bot[data-kind="quiz_question"] button.letter')
                letters[(n % 3) + 1].click()
            chart = wait_for(driver, ".msg.bot .figure img", timeout=60)[-1]
            driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", chart)
            from selenium.webdriver.support.ui import WebDriverWait

            WebDriverWait(driver, 30).until(lambda d: d.execute_script(
                "return arguments[0].complete && arguments[0].naturalWidth > 200", chart))
            # each step replaced the one before, and the result replaced the last question
            assert driver.find_elements(By.CSS_SELECTOR, '.msg.bot[data-kind="quiz_question"]') == []
            settle(driver)
            if shots:
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chart)
                driver.save_screenshot(str(Path(shots) / f"web-{size}-result.png"))
            # a reload shows the same conversation, chart included
            driver.refresh()
            wait_for(driver, ".msg.bot .figure img", timeout=30)
            assert driver.find_elements(By.CSS_SELECTOR, '.msg.user')[0].text == "战略部署怎么写"
            logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert logs == [], logs  # no script error, no CSP violation
        finally:
            driver.quit()
