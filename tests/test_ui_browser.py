"""The app in a real browser: Playwright (sync API) driving Debian's chromium, with a fake microphone that plays
an espeak-ng recording. Screenshots (1280x800, 400 px wide, dark mode) go to tests/screenshots/."""
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(300)

SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 400, "height": 860}
REPLY_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser(app_server, voice_wav):
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium")
    if not chromium:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    SHOTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={voice_wav}"])
        yield browser
        browser.close()


@pytest.fixture()
def open_page(browser, app_server):
    """open_page(viewport=DESKTOP, dark=False) -> a fresh page (a new session) with the app loaded."""
    contexts = []

    def _open(viewport=DESKTOP, dark=False):
        ctx = browser.new_context(viewport=viewport, permissions=["microphone"],
                                  color_scheme="dark" if dark else "light")
        contexts.append(ctx)
        page = ctx.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        page.goto(app_server.url + ("?__theme=dark" if dark else ""))
        page.wait_for_selector("#msg textarea")
        page.wait_for_selector("#badge .badge.ready")
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


def replies(page) -> int:
    return page.locator("#chatbot .understood").count()


def wait_replies(page, n: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('#chatbot .understood').length >= {n}",
                           timeout=REPLY_TIMEOUT_MS)
    page.wait_for_timeout(300)   # let the chat finish scrolling before a screenshot


def send(page, text="", image=None) -> None:
    n = replies(page)
    if image:
        page.locator("#msg input[type=file]").set_input_files(str(image))
        page.wait_for_selector("#msg .thumbnail-item, #msg img", timeout=10_000)
    page.locator("#msg textarea").fill(text)
    page.locator("#msg").get_by_test_id("submit-button").click()
    wait_replies(page, n + 1)


def open_tab(page, name: str) -> None:
    page.locator(f"#tab-{name}-button").click()


def test_image_message_gets_a_reply(open_page, parcel_jpg):
    page = open_page()
    page.screenshot(path=str(SHOTS / "chat-empty-1280.png"))
    send(page, "Where is this parcel? It has not arrived.", parcel_jpg)
    bot = page.locator("#chatbot .understood").last
    assert "Understood" in bot.inner_text() and "image:" in bot.inner_text()
    assert page.locator("#chatbot img").count() >= 1            # the photo is shown in the user's bubble
    assert "Understood" in page.locator("#understood").inner_text()
    page.screenshot(path=str(SHOTS / "chat-1280.png"))


def test_voice_message_then_text_does_not_resend_the_recording(open_page):
    page = open_page()
    box = page.locator("#msg")
    box.get_by_test_id("microphone-button").click()
    page.get_by_label("Start recording").click()
    page.wait_for_timeout(4500)                                    # the fake microphone loops the espeak clip
    page.get_by_label("Stop recording").click()
    page.get_by_label("Attach audio").click()
    box.get_by_test_id("submit-button").click()
    page.wait_for_selector("text=Transcribing your voice message", timeout=10_000)
    wait_replies(page, 1)
    line = page.locator("#chatbot .understood").last.inner_text()
    assert "heard:" in line and "order" in line.lower(), line
    assert page.locator("#chatbot audio").count() == 1
    page.screenshot(path=str(SHOTS / "chat-voice-1280.png"))

    send(page, "Thanks. Can I also get an invoice?")
    last = page.locator("#chatbot .understood").last.inner_text()
    assert "heard:" not in last, f"the recording was sent again: {last}"
    assert page.locator("#chatbot audio").count() == 1, "a second copy of the recording appeared"
    assert box.locator("audio").count() == 0 and box.get_by_label("Attach audio").count() == 0


def test_attention_tab_shows_the_heatmap(open_page, parcel_jpg):
    page = open_page()
    send(page, "This is what arrived, the box is crushed", parcel_jpg)
    open_tab(page, "attention")
    for which in ("raw", "rollout", "relevancy"):
        img = page.locator(f"#heatmap-{which} img")
        img.wait_for(state="visible", timeout=30_000)
        assert img.evaluate("el => el.complete && el.naturalWidth > 0")
    page.wait_for_selector("#matrix [data-testid=plotly] .main-svg", timeout=30_000)
    assert page.locator("#words-relevancy").inner_text().strip()
    page.screenshot(path=str(SHOTS / "attention-1280.png"))
    page.screenshot(path=str(SHOTS / "attention-1280-full.png"), full_page=True)


def test_compare_tab_shows_four_columns(open_page):
    page = open_page()
    open_tab(page, "compare")
    page.locator("#compare-btn").click()
    page.wait_for_function("() => document.querySelectorAll('#compare-cols [data-testid=plotly] .main-svg').length >= 4",
                           timeout=60_000)
    cards = [page.locator(f"#card-{n}").inner_text() for n in ("attention", "cross_attention", "late", "early")]
    assert all("%" in c and "ms" in c for c in cards), cards
    page.screenshot(path=str(SHOTS / "compare-1280.png"))
    page.screenshot(path=str(SHOTS / "compare-1280-full.png"), full_page=True)


def test_markup_in_a_message_stays_inert(open_page):
    page = open_page()
    evil = '<img src=x onerror=alert(1)> <script>alert(2)</script> [click me](javascript:alert(3)) http://evil.example'
    send(page, evil)
    page.wait_for_timeout(1000)                                    # give an injected handler time to fire
    assert page.dialogs == []
    chat = page.locator("#chatbot")
    assert chat.locator("img").count() == 0                     # no photo was sent, so no <img> at all
    assert chat.locator("script").count() == 0
    assert chat.locator("a[href^='javascript'], a[href*='evil.example']").count() == 0
    assert "<img src=x onerror=alert(1)>" in chat.inner_text()   # shown as the characters typed
    assert "[click me](javascript:alert(3))" in chat.inner_text()
    assert page.evaluate("() => typeof window.__xss") == "undefined"


def test_screenshots_mobile_and_dark(open_page, parcel_jpg):
    page = open_page(MOBILE)
    send(page, "Where is this parcel?", parcel_jpg)
    page.screenshot(path=str(SHOTS / "chat-400.png"), full_page=True)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= MOBILE["width"] + 2, f"the page scrolls sideways at 400 px ({width} px wide)"
    open_tab(page, "attention")
    page.locator("#heatmap-raw img").wait_for(state="visible", timeout=30_000)
    page.screenshot(path=str(SHOTS / "attention-400.png"), full_page=True)

    page = open_page(dark=True)
    assert page.evaluate("() => document.body.classList.contains('dark') || "
                         "document.documentElement.classList.contains('dark')")
    send(page, "Where is this parcel?", parcel_jpg)
    page.screenshot(path=str(SHOTS / "chat-dark-1280.png"))
    open_tab(page, "attention")
    page.locator("#heatmap-raw img").wait_for(state="visible", timeout=30_000)
    page.wait_for_selector("#matrix [data-testid=plotly] .main-svg", timeout=30_000)
    page.screenshot(path=str(SHOTS / "attention-dark-1280.png"), full_page=True)
    open_tab(page, "compare")
    page.locator("#compare-btn").click()
    page.wait_for_function("() => document.querySelectorAll('#compare-cols [data-testid=plotly] .main-svg').length >= 4",
                           timeout=60_000)
    page.screenshot(path=str(SHOTS / "compare-dark-1280.png"), full_page=True)
    open_tab(page, "how")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "how-dark-1280.png"), full_page=True)


def test_training_tab_shows_curves_and_trains_live(open_page):
    page = open_page()
    open_tab(page, "training")
    for plot in ("training-fusion-curves", "training-pretrain-curves", "training-le-plot", "training-run-curves"):
        page.wait_for_selector(f"#{plot} [data-testid=plotly] .main-svg", timeout=30_000)
    assert "%" in page.locator("#training-le-table").inner_text()     # the label-efficiency table has figures
    page.locator("#training-live-steps input[type=number]").fill("30")
    page.locator("#training-live-steps input[type=number]").press("Enter")
    page.locator("#training-live-train").click()
    page.wait_for_function("() => (document.querySelector('#training-live-status')?.innerText || '')"
                           ".includes('stopped because')", timeout=90_000)
    status = page.locator("#training-live-status").inner_text()
    assert "30 steps" in status and "reached its step count" in status, status
    page.wait_for_selector("#training-live-plot [data-testid=plotly] .main-svg", timeout=30_000)
    page.screenshot(path=str(SHOTS / "training-1280.png"))
    page.screenshot(path=str(SHOTS / "training-1280-full.png"), full_page=True)
