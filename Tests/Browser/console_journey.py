"""The console's journey in headless Chromium (Selenium), driven by ConsoleBrowserTests.

The owner signs in, connects an OS, downloads its .env; a real Agno AgentOS (examples/agno_os.py)
starts with that file; the owner invites alice, who accepts in a second browser; the owner binds
os-viewer and grants agents:web-agent:run picked from the OS's own agent list; alice uses the OS
from her browser (web-agent answers, finance-agent is refused), the owner removes the grant and
alice's next run is refused too. Then the console's safety checks (docs/security.md): a second
OS whose URL is a capture server (recording the Authorization header of every request) shows the
owner where the tokens go before any leaves, and every token it receives is narrowed to its one
call and lives 60 s; a member name with control characters is shown inert; a reset link sets a
password once.
Every page is saved as a PNG in --out.

Prints one line `RESULT <json>` with what it observed; any failure exits 1 with the reason (and a
screenshot of the page at that moment).
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

os.environ["SE_AVOID_STATS"] = "true"  # Selenium Manager must not phone home or download a browser

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

import journey_checks  # noqa: E402 - beside this file: console errors, the 390-px layout, the QR decoder
import journey_safety  # noqa: E402 - beside this file: docs/security.md's console checks

WIDE, NARROW = (1280, 900), (390, 844)


class Journey:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        self.downloads = os.path.join(self.out, "downloads")
        os.makedirs(self.downloads, exist_ok=True)
        self.drivers = []
        self.observed = {}
        self.agno = None

    # -- browser plumbing -------------------------------------------------------------------

    def browser(self, network_log=False):
        options = webdriver.ChromeOptions()
        options.binary_location = self.args.chromium
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={WIDE[0]},{WIDE[1]}", "--disable-features=Translate,MediaRouter",
                     # Light on a shared 2-core machine: nothing in the background.
                     "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                     "--no-first-run", "--disable-default-apps", "--disable-sync", "--renderer-process-limit=2"]:
            options.add_argument(flag)
        options.add_experimental_option("prefs", {
            "download.default_directory": self.downloads, "download.prompt_for_download": False,
        })
        # The owner's network log gives the test the API's own answers (the TOTP enrolment's otpauth URI).
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", **({"performance": "ALL"} if network_log else {})})
        if network_log:
            options.add_experimental_option("perfLoggingPrefs", {"enableNetwork": True, "enablePage": False})
        driver = webdriver.Chrome(options=options, service=Service(self.args.chromedriver))
        driver.set_page_load_timeout(20)
        self.drivers.append(driver)
        return driver

    def shot(self, driver, name, size=WIDE):
        # Every page is judged at a phone's width (390 x 844), whether or not it is also saved at it.
        self.resize(driver, NARROW)
        self.observed.setdefault("layout_390", {})[name] = journey_checks.narrow_layout(driver)
        if size != NARROW:
            self.resize(driver, size)
        # The whole page, not just the window: make the window as tall as the document.
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(size[0], min(max(size[1], height + 20), 4000))
        driver.execute_script("window.scrollTo(0, 0)")
        time.sleep(0.2)
        driver.save_screenshot(os.path.join(self.out, f"{name}.png"))
        driver.set_window_size(*WIDE)

    def resize(self, driver, size):
        driver.set_window_size(*size)
        self.wait(driver, lambda d: d.execute_script("return window.innerWidth") == size[0], 5, f"a {size[0]}-px window")
        time.sleep(0.1)

    @staticmethod
    def wait(driver, condition, seconds=15, what="the page"):
        try:
            return WebDriverWait(driver, seconds).until(condition)
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {what}") from None

    def element(self, driver, element_id, seconds=15):
        return self.wait(driver, ec.visibility_of_element_located((By.ID, element_id)), seconds, f"#{element_id}")

    def text_in(self, driver, element_id, text, seconds=15):
        self.wait(driver, ec.text_to_be_present_in_element((By.ID, element_id), text), seconds, f"'{text}' in #{element_id}")
        return driver.find_element(By.ID, element_id).text

    def type(self, driver, element_id, value):
        field = self.element(driver, element_id)
        field.clear()
        field.send_keys(value)

    def go(self, driver, fragment, ready_id):
        driver.get(f"{self.args.console}/console#{fragment}")
        return self.element(driver, ready_id)

    # -- the AgentOS ------------------------------------------------------------------------

    def start_agno(self, env_file, port):
        # Exactly what the README does: source the .env, then run the example.
        command = f'set -a; . "{env_file}"; set +a; exec "{self.args.python}" "{self.args.agno}" --port {port}'
        log = open(os.path.join(self.out, "agno.log"), "w")
        self.agno = subprocess.Popen(["bash", "-c", command], stdout=log, stderr=subprocess.STDOUT,
                                     env={"PATH": os.environ.get("PATH", ""), "HOME": self.out})

    def wait_for_agno(self, url, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.agno.poll() is not None:
                raise AssertionError(f"the AgentOS exited with {self.agno.returncode}: see agno.log")
            try:
                with urllib.request.urlopen(url + "/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        raise AssertionError("the AgentOS did not answer /health in time")

    # -- the journey ------------------------------------------------------------------------

    def run(self):
        a = self.args
        started = time.time()
        owner = self.browser(network_log=True)

        # The owner signs in.
        owner.get(f"{a.console}/console")
        self.element(owner, "signin-email")
        self.shot(owner, "01-sign-in")
        self.shot(owner, "01-sign-in-390px", NARROW)
        self.type(owner, "signin-email", a.owner_email)
        self.type(owner, "signin-password", a.owner_password)
        owner.find_element(By.ID, "signin-submit").click()
        self.element(owner, "connect-name")
        cookies = {c["name"]: c for c in owner.get_cookies()}
        self.observed["session_cookie"] = {k: cookies["cp_session"].get(k) for k in ("httpOnly", "sameSite", "secure")}
        self.observed["script_sees_session"] = "cp_session" in owner.execute_script("return document.cookie")

        # Connects an OS, with authorization: the modal has the env block and the .env download.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            agno_port = probe.getsockname()[1]
        agno_url = f"http://127.0.0.1:{agno_port}"
        self.observed["empty_state"] = owner.find_element(By.CSS_SELECTOR, "p.empty").text
        # A bad id: the API's reason appears under the id field, and nothing is registered.
        self.type(owner, "connect-name", "Production")
        self.type(owner, "connect-id", "not an id!")
        owner.find_element(By.ID, "connect-submit").click()
        self.observed["field_error"] = self.text_in(owner, "connect-id-error", "must be 1 to 128 characters")
        self.type(owner, "connect-id", a.os_id)
        self.type(owner, "connect-url", agno_url)
        self.shot(owner, "02-connect-os")
        owner.find_element(By.ID, "connect-submit").click()
        env_text = self.element(owner, "env-block").text
        self.shot(owner, "03-env-modal")
        owner.find_element(By.ID, "env-download").click()
        env_file = os.path.join(self.downloads, f"{a.os_id}.env")
        deadline = time.time() + 10
        while not os.path.exists(env_file) and time.time() < deadline:
            time.sleep(0.1)
        if not os.path.exists(env_file):
            raise AssertionError("the .env download did not arrive")
        with open(env_file) as f:
            downloaded = f.read()
        self.observed["env_download_matches_block"] = downloaded.strip() == env_text.strip()
        self.observed["env_lines"] = [line.split("=", 1)[0] for line in downloaded.splitlines() if "=" in line and not line.startswith(" ")]
        self.observed["cors_line"] = next((line for line in downloaded.splitlines() if line.startswith("CORS_ORIGIN_LIST=")), None)

        # A real AgentOS starts with that env (it boots while the owner invites alice).
        self.start_agno(env_file, agno_port)
        owner.find_element(By.ID, "modal-close").click()
        self.element(owner, "stage-key")
        self.shot(owner, "04-os-settings")

        # The owner invites alice; the link is shown once.
        owner.find_element(By.ID, "nav-members").click()
        self.type(owner, "invite-member-email", "alice@acme.test")
        self.type(owner, "invite-member-name", "Alice")
        owner.find_element(By.ID, "invite-member-submit").click()
        link = self.element(owner, "invite-url").get_attribute("value")
        self.observed["invite_link_has_fragment_code"] = "/console/invite#cpi_" in link
        self.shot(owner, "05-members")

        # Alice accepts in a second browser session and sets her password.
        alice = self.browser()
        alice.get(link)
        self.element(alice, "invite-name")
        self.shot(alice, "06-invite")
        self.shot(alice, "06-invite-390px", NARROW)
        self.type(alice, "invite-name", "Alice")
        self.type(alice, "invite-password", a.alice_password)
        self.type(alice, "invite-confirm", a.alice_password)
        alice.find_element(By.ID, "invite-submit").click()
        self.element(alice, "invite-continue")
        self.observed["invite_code_left_in_url"] = "cpi_" in alice.current_url

        # The OS is up: the settings page probes its /info from the browser.
        self.wait_for_agno(agno_url)
        self.go(owner, f"/o/{a.org}/os/{a.os_id}", "probe").click()
        self.observed["probe"] = {
            "os_id": self.text_in(owner, "probe-os-id", a.os_id),
            "auth_mode": self.element(owner, "probe-auth-mode").text,
            "match": self.element(owner, "probe-match").text,
        }

        # The owner binds os-viewer and grants agents:web-agent:run, picked from the OS's agents.
        self.go(owner, f"/o/{a.org}/access", "bind-subject")
        alice_option = lambda d: next((o for o in Select(d.find_element(By.ID, "bind-subject")).options if "alice@acme.test" in o.text), None)  # noqa: E731
        self.wait(owner, alice_option, what="alice in the subject list")
        Select(owner.find_element(By.ID, "bind-subject")).select_by_visible_text(alice_option(owner).text)
        Select(owner.find_element(By.ID, "bind-role")).select_by_value("os-viewer")
        Select(owner.find_element(By.ID, "bind-os")).select_by_value(a.os_id)
        owner.find_element(By.ID, "bind-submit").click()
        self.element(owner, f"unbind-{alice_option_label(owner)}-os-viewer")
        self.text_in(owner, "grants-target", agno_url)
        self.element(owner, "grants-send").click()
        listed = lambda d: [o.get_attribute("value") for o in Select(d.find_element(By.ID, "grant-resource")).options]  # noqa: E731
        self.wait(owner, lambda d: "web-agent" in listed(d) and "finance-agent" in listed(d), 20, "the OS's agents in the grant picker")
        self.observed["grant_picker"] = listed(owner)
        Select(owner.find_element(By.ID, "grant-subject")).select_by_visible_text(alice_option(owner).text)
        Select(owner.find_element(By.ID, "grant-family")).select_by_value("agents")
        Select(owner.find_element(By.ID, "grant-resource")).select_by_value("web-agent")
        Select(owner.find_element(By.ID, "grant-action")).select_by_value("run")
        owner.find_element(By.ID, "grant-submit").click()
        grant_button = f"revoke-grant-{alice_option_label(owner)}-agents:web-agent:run"
        self.element(owner, grant_button, 20)
        self.shot(owner, "07-access")

        # Alice uses the OS: both agents listed by the OS itself, web-agent answers, finance-agent is refused
        # (the control plane gives her no token for it: she does not hold agents:finance-agent:run).
        self.go(alice, f"/o/{a.org}/use", "use-send").click()
        self.element(alice, "run-agent")
        self.wait(alice, lambda d: len(d.find_elements(By.CLASS_NAME, "agent-id")) >= 2, what="the OS's agents")
        self.observed["alice_sees_agents"] = sorted(e.text for e in alice.find_elements(By.CLASS_NAME, "agent-id"))
        self.observed["web_agent_answer"] = self.run_agent(alice, "web-agent", "hello from the console", "run-content")
        self.shot(alice, "08-use-the-os")
        self.shot(alice, "08-use-the-os-390px", NARROW)
        self.observed["finance_agent_refused"] = self.run_agent(alice, "finance-agent", "pay", "run-refused")
        self.shot(alice, "09-use-the-os-refused")

        # The owner removes alice's grant; after a reload (a fresh token) her web-agent run is refused.
        self.go(owner, f"/o/{a.org}/access", grant_button).click()
        self.wait(owner, lambda d: not d.find_elements(By.ID, grant_button), what="the grant to disappear")
        alice.refresh()
        self.element(alice, "use-send").click()
        self.element(alice, "run-agent")
        self.observed["web_agent_after_revoke"] = self.run_agent(alice, "web-agent", "hello again", "run-refused")
        self.shot(alice, "10-use-the-os-after-revoke")

        journey_safety.narrowed_tokens(self, owner)
        journey_safety.inert_names(self, owner)
        journey_safety.reset_password(self, alice)

        # The remaining pages, for the record.
        self.go(owner, f"/o/{a.org}/tokens", "token-os")
        self.shot(owner, "11-tokens")
        self.go(owner, f"/o/{a.org}/audit", "verify-chain").click()
        self.observed["audit_chain"] = self.text_in(owner, "audit-verify", "Chain")
        self.shot(owner, "12-audit")
        self.go(owner, f"/o/{a.org}/os", f"os-link-{a.os_id}")
        self.shot(owner, "13-oses")
        self.shot(owner, "13-oses-390px", NARROW)
        self.go(owner, "/account", "password-current_password")
        self.shot(owner, "14-account")
        self.go(owner, "/orgs", "org-name")
        self.shot(owner, "15-organisations")

        # The owner enrols TOTP, then signs in again with the second step. The QR code drawn in the
        # page, read back from its pixels, must say exactly the otpauth:// URI the API answered.
        self.go(owner, "/account", "mfa-start")
        owner.get_log("performance")  # what came before is not needed
        owner.find_element(By.ID, "mfa-start").click()
        canvas = self.element(owner, "mfa-qr").find_element(By.TAG_NAME, "canvas")
        answer = json.loads(journey_checks.response_body(owner, f"{a.console}/v1/me/mfa/totp"))
        # Whole in the window: an element's screenshot is cut where the window ends.
        owner.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
        decoded = journey_checks.decode_qr(canvas.screenshot_as_png)
        self.observed["qr_decoded_count"] = len(decoded)
        self.observed["qr_is_api_uri"] = decoded == [answer["otpauth_uri"]]
        self.observed["qr_api_uri_path"] = answer["otpauth_uri"].split("?")[0]
        self.observed["qr_decoded_redacted"] = [journey_checks.redacted(text) for text in decoded]
        secret = self.element(owner, "mfa-secret").get_attribute("value")
        self.shot(owner, "16-account-mfa-qr")
        self.type(owner, "mfa-confirm-code", totp(secret))
        owner.find_element(By.ID, "mfa-confirm-submit").click()
        recovery = self.element(owner, "mfa-recovery").text.split()
        self.observed["recovery_codes"] = len(recovery)
        self.shot(owner, "16-account-mfa")
        owner.find_element(By.ID, "sign-out").click()
        self.type(owner, "signin-email", a.owner_email)
        self.type(owner, "signin-password", a.owner_password)
        owner.find_element(By.ID, "signin-submit").click()
        self.element(owner, "mfa-code")
        self.shot(owner, "17-sign-in-totp")
        # A recovery code: the TOTP code of this 30 s step was just spent on the confirmation.
        self.type(owner, "mfa-code", recovery[0])
        owner.find_element(By.ID, "mfa-submit").click()
        self.element(owner, "nav-os")
        self.observed["signed_in_with_second_factor"] = "cp_session" in {c["name"] for c in owner.get_cookies()}

        browsers = dict(zip(["owner", "alice"], self.drivers, strict=True))
        self.observed["severe_console_errors"] = journey_checks.console_errors(browsers, journey_checks.expected_failures(a))
        self.observed["seconds"] = round(time.time() - started, 1)

    def run_agent(self, driver, agent, message, result_id):
        Select(self.element(driver, "run-agent")).select_by_value(agent)
        self.type(driver, "run-message", message)
        for stale in driver.find_elements(By.ID, "run-content") + driver.find_elements(By.ID, "run-refused"):
            driver.execute_script("arguments[0].removeAttribute('id')", stale)
        driver.find_element(By.ID, "run-submit").click()
        return self.element(driver, result_id, 20).text

    def close(self):
        if getattr(self, "capture", None):
            self.capture.close()
        for driver in self.drivers:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001 - closing what is left, nothing to report
                pass
        if self.agno and self.agno.poll() is None:
            self.agno.terminate()
            try:
                self.agno.wait(5)
            except subprocess.TimeoutExpired:
                self.agno.kill()


def totp(secret, at=None):
    """RFC 6238 (SHA-1, 6 digits, 30 s), as an authenticator app computes it."""
    import base64
    import hashlib
    import hmac
    import struct
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int((at or time.time()) // 30)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000).zfill(6)


def alice_option_label(driver):
    """The label the console gives alice in bindings and grants (her email)."""
    return "alice@acme.test"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--console", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--agno", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--org", default="acme")
    parser.add_argument("--os-id", default="prod")
    parser.add_argument("--owner-email", default="owner@acme.test")
    parser.add_argument("--owner-password", required=True)
    parser.add_argument("--alice-password", default="alice's own password")
    parser.add_argument("--reset-code", required=True, help="a cpr_ code for bob@acme.test")
    parser.add_argument("--bob-password", default="bob's new password")
    journey = Journey(parser.parse_args())
    try:
        journey.run()
        print("RESULT " + json.dumps(journey.observed), flush=True)
    except Exception as error:  # noqa: BLE001 - reported to the Swift test with the page as it was
        for i, driver in enumerate(journey.drivers):
            try:
                driver.save_screenshot(os.path.join(journey.out, f"failure-{i}.png"))
                print(f"browser {i} at {driver.current_url}: " + json.dumps(driver.get_log("browser"))[:3000], file=sys.stderr)
            except Exception:  # noqa: BLE001
                pass
        print(f"journey failed: {type(error).__name__}: {error}; observed so far: {json.dumps(journey.observed)}", file=sys.stderr, flush=True)
        sys.exit(1)
    finally:
        journey.close()


if __name__ == "__main__":
    main()
