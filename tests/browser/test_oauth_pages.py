"""
The OAuth authorization endpoint's pages as a shopper meets them in a real
browser: an app opens /oauth/authorize in the system browser (RFC 8252), and
the shopper, logged in on the web, allows or denies another company's app,
types their password again when the app asks (prompt=login), or is told that
a sign-in link is broken. The apps' redirect URIs are answered by Playwright
(nothing here uses the network); what they receive is the test.
"""

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.accounts import PASSWORD, log_in, register_elsewhere

pytestmark = pytest.mark.browser

RECIPES_CALLBACK = "https://recipes.example/callback"
LOOPBACK_PORT = 53682  # the native app's own listening port (RFC 8252 section 7.3)
LOOPBACK_CALLBACK = f"http://127.0.0.1:{LOOPBACK_PORT}/callback"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# What a shopper should never have to read on these pages.
JARGON = re.compile(
    r"client_id|redirect[_ ]uri|\bURI\b|response_type|code_challenge|PKCE|OAuth|invalid_|\bclient\b|recipe-box|shop-mobile",
    re.IGNORECASE,
)

REGISTER_RECIPE_BOX = """
from session_state.models import OAuthClient
OAuthClient.objects.get_or_create(
    client_id="recipe-box",
    defaults={
        "name": "Recipe Box",
        "redirect_uris": "https://recipes.example/callback",
        "grant_types": ["authorization_code", "refresh_token"],
    },
)
"""


@pytest.fixture(scope="module")
def recipe_box(stack):
    """Another company's app, registered on the stack as an operator would."""
    stack.manage("shell", "-c", REGISTER_RECIPE_BOX)
    return "recipe-box"


@pytest.fixture(scope="module")
def shopper(stack):
    return register_elsewhere(stack)


@pytest.fixture
def logged_in(page, shopper):
    page.goto("/accounts/login/")
    log_in(page, shopper)
    expect(page.locator(".username")).to_have_text(shopper)
    return page


class BlockedByFormAction(Exception):
    """Chromium refused to follow the form's redirect to the app: the page's CSP form-action does not allow it."""


@pytest.fixture
def csp_violations(page):
    """The Content Security Policy violations Chromium reports on the page's console."""
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )
    return violations


def sent_to_app(page, pattern, csp_violations):
    """Wait until the browser is at the app's redirect URI; a CSP block is named as such."""
    try:
        page.wait_for_url(pattern)
    except PlaywrightError as error:
        for _wait in range(20):  # Chromium logs the violation just after it aborts the navigation
            blocked = [text for text in csp_violations if "form-action" in text]
            if blocked:
                raise BlockedByFormAction(blocked[0]) from error
            page.wait_for_timeout(100)
        raise


@pytest.fixture
def app_receives(page):
    """
    app_receives(url_pattern): the URLs the browser was sent to that match
    url_pattern (DevTools wildcards: an app's redirect URI), each answered
    with a small page as the app would; nothing that matches is sent to the
    network.

    Through Chromium's DevTools Fetch domain, not page.route(): Playwright
    routes no request that a redirect makes (by design, microsoft/playwright
    #3993), and a redirect is how the shop sends the browser to the app; so
    a route would see nothing, and the browser would go to the network.
    """
    devtools = page.context.new_cdp_session(page)
    received = []

    def answer(event):
        if event["resourceType"] != "Document":  # the app's favicon, say: none
            devtools.send("Fetch.fulfillRequest", {"requestId": event["requestId"], "responseCode": 404})
            return
        received.append(event["request"]["url"])
        devtools.send(
            "Fetch.fulfillRequest",
            {
                "requestId": event["requestId"],
                "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": "text/html; charset=utf-8"}],
                "body": base64.b64encode(b"<title>Back in the app</title><p>Back in the app.</p>").decode(),
            },
        )

    devtools.on("Fetch.requestPaused", answer)

    def receive(url_pattern):
        devtools.send("Fetch.enable", {"patterns": [{"urlPattern": url_pattern, "requestStage": "Request"}]})
        return received

    yield receive
    devtools.detach()


def authorize_url(**changes) -> str:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    parameters = {
        "response_type": "code",
        "client_id": "shop-mobile",
        "redirect_uri": LOOPBACK_CALLBACK,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": secrets.token_urlsafe(16),
        **changes,
    }
    return "/oauth/authorize?" + urlencode(parameters)


def answer_in(url: str) -> dict:
    """The query an app's redirect URI received."""
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def state_of(url: str) -> str:
    return answer_in(url)["state"]


def assert_readable(page, *, must_say: list[str]):
    """One <h1>, the words a shopper needs, no protocol jargon, nothing sticking out on a phone."""
    expect(page.locator("h1")).to_have_count(1)
    text = page.locator("main").inner_text()
    for words in must_say:
        assert words in text, f"{words!r} not on the page:\n{text}"
    assert not JARGON.search(text), f"Jargon on the page: {JARGON.search(text)[0]!r}\n{text}"


def assert_fits(page):
    """Nothing wider than the screen, and every button and field inside it."""
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    width = page.viewport_size["width"]
    for control in page.locator("main button, main input:not([type=hidden]), main a").all():
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, control.inner_text()


def reach_with_tab(page, control):
    """The control can be reached with the keyboard alone: Tab from the top of the page lands on it."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _press in range(40):
        page.keyboard.press("Tab")
        if control.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {control}")


def screenshots(page, screenshot, name):
    """The page at a desktop width, then a phone's (checked to fit), then back."""
    page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring in the pictures
    page.set_viewport_size(DESKTOP)
    assert_fits(page)
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    assert_fits(page)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_another_companys_app_is_allowed_on_a_consent_page_and_gets_a_code(
    logged_in, recipe_box, app_receives, csp_violations, screenshot
):
    page = logged_in
    received = app_receives("https://recipes.example/*")
    url = authorize_url(client_id=recipe_box, redirect_uri=RECIPES_CALLBACK)

    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_have_text("Allow Recipe Box to use your account?")
    assert received == []  # the shopper has not decided yet: no code went anywhere
    assert_readable(page, must_say=["Recipe Box", "another company's app", "check out for you"])
    allow = page.get_by_role("button", name="Allow", exact=True)
    deny = page.get_by_role("button", name="Deny", exact=True)
    expect(allow).to_be_enabled()
    expect(deny).to_be_enabled()
    reach_with_tab(page, allow)
    reach_with_tab(page, deny)
    screenshots(page, screenshot, "oauth-consent")

    allow.click()

    sent_to_app(page, re.compile(r"^https://recipes\.example/callback\?"), csp_violations)
    [answer] = [answer_in(url_received) for url_received in received]
    assert received[0].startswith(RECIPES_CALLBACK + "?")
    assert answer["code"]
    assert answer["state"] == answer_in(url)["state"]
    assert "error" not in answer


def test_denying_another_companys_app_sends_it_access_denied_and_no_code(
    logged_in, recipe_box, app_receives, csp_violations
):
    page = logged_in
    received = app_receives("https://recipes.example/*")
    url = authorize_url(client_id=recipe_box, redirect_uri=RECIPES_CALLBACK)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recipe Box")

    page.get_by_role("button", name="Deny", exact=True).click()

    sent_to_app(page, re.compile(r"^https://recipes\.example/callback\?"), csp_violations)
    [answer] = [answer_in(url_received) for url_received in received]
    assert answer["error"] == "access_denied"
    assert answer["state"] == answer_in(url)["state"]
    assert "code" not in answer


def test_prompt_login_asks_the_shops_own_app_user_for_the_password_then_sends_a_code(
    logged_in, app_receives, csp_violations, screenshot
):
    page = logged_in
    received = app_receives(f"http://127.0.0.1:{LOOPBACK_PORT}/*")
    url = authorize_url(prompt="login")

    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Hearth & Home app")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_be_visible()
    expect(password).to_have_attribute("type", "password")
    expect(password).to_have_attribute("autocomplete", "current-password")
    expect(password).to_have_accessible_description(re.compile("enter your password again"))
    assert received == []  # no code before the password
    assert_readable(page, must_say=["Password", "Continue"])
    expect(page.get_by_role("button", name="Deny")).to_have_count(0)  # the shop's own app: no consent
    reach_with_tab(page, page.get_by_role("button", name="Continue"))
    screenshots(page, screenshot, "oauth-password")
    reach_with_tab(page, password)

    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    sent_to_app(page, re.compile(rf"^http://127\.0\.0\.1:{LOOPBACK_PORT}/callback\?"), csp_violations)
    [answer] = [answer_in(url_received) for url_received in received]
    assert received[0].startswith(LOOPBACK_CALLBACK + "?")
    assert answer["code"]
    assert answer["state"] == answer_in(url)["state"]


def test_a_logged_out_shopper_logs_in_on_the_way_and_the_app_gets_its_code(
    page, shopper, app_receives, csp_violations
):
    # The login form's submission leads, through two redirects, to the app:
    # the login page's form-action must reach it too.
    received = app_receives(f"http://127.0.0.1:{LOOPBACK_PORT}/*")
    url = authorize_url()

    page.goto(url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    log_in(page, shopper)

    sent_to_app(page, re.compile(rf"^http://127\.0\.0\.1:{LOOPBACK_PORT}/callback\?"), csp_violations)
    [answer] = [answer_in(url_received) for url_received in received]
    assert answer["code"]
    assert answer["state"] == answer_in(url)["state"]


def test_an_unregistered_redirect_uri_gets_an_error_page_and_no_redirect(logged_in, app_receives, screenshot):
    page = logged_in
    elsewhere = app_receives("https://evil.example/*")
    url = authorize_url(redirect_uri="https://evil.example/callback")

    response = page.goto(url)

    assert response.status == 400
    page.wait_for_timeout(500)  # time for any redirect (meta refresh, script) to be attempted
    assert elsewhere == []
    assert urlsplit(page.url).path == "/oauth/authorize"
    expect(page.get_by_role("heading", level=1)).to_have_text("This sign-in link doesn't work")
    assert_readable(page, must_say=["Go back to the app and try again", "Go to the shop"])
    details = page.locator("details")
    expect(details.locator("summary")).to_have_text("Details for the app's developers")
    expect(details.locator("code")).to_be_hidden()  # the protocol's words only for those who open it
    reach_with_tab(page, page.get_by_role("link", name="Go to the shop"))
    screenshots(page, screenshot, "oauth-error")
    details.locator("summary").click()
    expect(details.locator("code")).to_contain_text("evil.example")
    assert_fits(page)
