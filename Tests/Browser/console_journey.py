"""The console's journey in headless Chromium (Selenium), driven by ConsoleBrowserTests.

The first hour (issue #26): a fresh control plane's sign-in page says how the first owner comes
to be; the setup link (--setup-link, as `serve` prints it) refuses a wrong code in words, then
makes the organisation and its owner, signed in. The owner connects an OS for stock Agno (no
algorithm menu), opens the .env dialog (the server's generator: PEM or JWKS file, no JWKS URL) and
downloads the JWKS-file form; a real Agno AgentOS (examples/agno_os.py) starts from those files.
"Use the OS" works; the owner stages the next key (it still works), restarts the OS from a fresh
JWKS file, activates (the confirmation names stock Agno) and it still works. The verifier switch,
the schedule (only for agentos-auth) and a refused switch back follow. Then issue #14's journey:
the owner invites alice, who accepts in a second browser; the owner binds
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
import importlib.util
import json
import os
import re
import shutil
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

WIDE, NARROW = (1280, 800), (390, 844)  # windows; a screenshot's viewport is at least this big (shot)


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
            # The .env dialog offers two files (the .env and the JWKS file): no "multiple downloads" prompt.
            "profile.default_content_setting_values.automatic_downloads": 1,
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
        # The whole page, not just the window: a viewport of at least `size`, as tall as the document
        # (the window's height holds the browser's own bars too).
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        bars = driver.get_window_size()["height"] - driver.execute_script("return window.innerHeight")
        driver.set_window_size(size[0], min(max(size[1], height) + bars, 4000))
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

    def start_agno(self, env_file, port, log_name="agno.log"):
        # Exactly what the README does: in the directory of the .env (and of the JWKS file it names,
        # JWT_JWKS_FILE being relative), source it, then run the example.
        directory, name = os.path.split(env_file)
        command = f'cd "{directory}" && set -a && . "./{name}" && set +a && exec "{self.args.python}" "{self.args.agno}" --port {port}'
        log = open(os.path.join(self.out, log_name), "w")
        self.agno = subprocess.Popen(["bash", "-c", command], stdout=log, stderr=subprocess.STDOUT,
                                     env={"PATH": os.environ.get("PATH", ""), "HOME": self.out})

    def stop_agno(self):
        self.agno.terminate()
        try:
            self.agno.wait(10)
        except subprocess.TimeoutExpired:
            self.agno.kill()
            self.agno.wait(5)

    def download(self, driver, button_id, name, into):
        """Clicks `button_id`, waits for the file `name` in the downloads, moves it to `into`; returns its text."""
        arrived = os.path.join(self.downloads, name)
        if os.path.exists(arrived):
            os.remove(arrived)
        driver.find_element(By.ID, button_id).click()
        deadline = time.time() + 10
        while not os.path.exists(arrived) and time.time() < deadline:
            time.sleep(0.1)
        if not os.path.exists(arrived):
            raise AssertionError(f"the download {name} (#{button_id}) did not arrive")
        os.makedirs(into, exist_ok=True)
        target = shutil.move(arrived, os.path.join(into, name))
        with open(target) as f:
            return f.read()

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

        # A fresh control plane: the sign-in page says how the first owner comes to be.
        owner.get(f"{a.console}/console")
        self.element(owner, "signin-email")
        self.observed["fresh_signin_hint"] = self.text_in(owner, "signin-setup", "no organisation yet")
        self.shot(owner, "01-sign-in")
        self.shot(owner, "01-sign-in-390px", NARROW)

        # The setup link makes the organisation and its owner, who lands signed in on its OSes page.
        self.first_owner(owner)
        cookies = {c["name"]: c for c in owner.get_cookies()}
        self.observed["session_cookie"] = {k: cookies["cp_session"].get(k) for k in ("httpOnly", "sameSite", "secure")}
        self.observed["script_sees_session"] = "cp_session" in owner.execute_script("return document.cookie")
        self.wait_for_reset_code()

        # Connects an OS for stock Agno, with authorization: the .env dialog, its JWKS-file form downloaded.
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
        self.verifier_choice(owner)
        self.shot(owner, "02-connect-os")
        self.shot(owner, "02-connect-os-390px", NARROW)
        owner.find_element(By.ID, "connect-submit").click()
        env_file = self.env_dialog(owner, os.path.join(self.out, "agno-1"), first=True)

        # A real AgentOS starts with those files (it boots while the owner invites alice).
        self.start_agno(env_file, agno_port, "agno-1.log")
        owner.find_element(By.ID, "modal-close").click()
        self.element(owner, "stage-key")
        self.shot(owner, "04-os-settings")
        self.shot(owner, "04-os-settings-390px", NARROW)

        # The owner invites alice; the link is shown once.
        owner.find_element(By.ID, "nav-members").click()
        self.type(owner, "invite-member-email", "alice@acme.test")
        self.type(owner, "invite-member-name", "Alice")
        owner.find_element(By.ID, "invite-member-submit").click()
        link = self.element(owner, "invite-url").get_attribute("value")
        self.observed["invite_link_has_fragment_code"] = "/console/invite#cpi_" in link
        self.shot(owner, "05-members")

        # Alice accepts in a second browser session and sets her password. First, in that browser, the
        # setup link again: the organisation exists, so setup is done (sign in instead).
        alice = self.browser()
        alice.get(a.setup_link)
        self.observed["setup_again"] = self.element(alice, "setup-done").text
        self.observed["setup_again_code_left_in_url"] = "cpf_" in alice.current_url
        self.shot(alice, "00-setup-done")
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

        # Rotation that cannot break the running OS: stage, give the OS the key, activate.
        self.staged_rotation(owner, agno_port)
        self.verifier_switch(owner)

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
        # The first choice is a placeholder that grants nothing ("Choose…", value ""), selected until
        # the admin picks: recorded apart, the picker's real choices as before.
        first = Select(owner.find_element(By.ID, "grant-resource")).options[0]
        self.observed["grant_picker_first"] = [first.get_attribute("value"), first.text, first.is_selected()]
        self.observed["grant_picker"] = [v for v in listed(owner) if v]
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
        self.wait(owner, ec.alert_is_present(), 5, "the grant removal's question").accept()
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
        # Once an organisation exists, the sign-in page no longer speaks of the setup link.
        hint = self.wait(owner, lambda d: d.find_element(By.CSS_SELECTOR, "#signin-setup[data-open]"), what="the setup status")
        self.observed["signin_hint_after_setup"] = {"open": hint.get_attribute("data-open"), "text": hint.text}
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

        # ---- HOOK: issue #26's admin pages (organisation settings, reset codes, account keys,
        # sessions) plug in here. Tests/Browser/journey_admin.py, when it exists, gets the journey
        # and the owner's browser (signed in, with TOTP); it may add observations, screenshots and,
        # as expected_failures(args), the failed fetches it provokes on purpose.
        expected = journey_checks.expected_failures(a)
        if importlib.util.find_spec("journey_admin"):
            import journey_admin
            journey_admin.run(self, owner)
            expected.update(getattr(journey_admin, "expected_failures", lambda _: {})(a))

        browsers = dict(zip(["owner", "alice"], self.drivers, strict=True))
        self.observed["severe_console_errors"] = journey_checks.console_errors(browsers, expected)
        self.observed["seconds"] = round(time.time() - started, 1)

    # -- the first hour (issue #26) ------------------------------------------------------------

    def first_owner(self, owner):
        """The setup link: a wrong code is refused in words; the right one makes the organisation
        and its owner, signed in on its OSes page. The code never appears in a URL the page requests."""
        a = self.args
        code = a.setup_link.split("#", 1)[1]
        owner.get_log("performance")  # from here on: every request the setup pages make
        # A code `serve` never printed (as long as a real one): refused, and the page says what to do.
        owner.get(a.setup_link.split("#", 1)[0] + "#cpf_" + "x" * (len(code) - 4))
        self.fill_setup(owner)
        self.observed["setup_refused"] = self.element(owner, "setup-invalid").text
        self.shot(owner, "00-setup-refused")
        owner.get(a.setup_link)
        self.element(owner, "setup-org_name")
        self.observed["setup_code_left_in_url"] = "cpf_" in owner.current_url
        self.shot(owner, "00-setup")
        self.shot(owner, "00-setup-390px", NARROW)
        self.fill_setup(owner)
        self.element(owner, "connect-name")
        self.observed["setup_landed"] = owner.current_url.split("/console", 1)[1]
        self.observed["setup_landed_page"] = owner.find_element(By.TAG_NAME, "h1").text
        self.observed["setup_requests"] = journey_checks.secret_in_requests(owner, code, f"{a.console}/v1/setup")

    def fill_setup(self, owner):
        a = self.args
        self.type(owner, "setup-org_name", a.org_name)
        self.observed["setup_slug_suggested"] = self.element(owner, "setup-slug").get_attribute("value")
        self.type(owner, "setup-slug", a.org)
        self.type(owner, "setup-name", "Olivia Owner")
        self.type(owner, "setup-email", a.owner_email)
        self.type(owner, "setup-password", a.owner_password)
        self.type(owner, "setup-confirm", a.owner_password)
        owner.find_element(By.ID, "setup-submit").click()

    def wait_for_reset_code(self):
        """bob joins the organisation the setup made (ConsoleBrowserTests plants him once it exists)."""
        path = self.args.reset_code_file
        deadline = time.time() + 30
        while time.time() < deadline and not (os.path.exists(path) and os.path.getsize(path)):
            time.sleep(0.1)
        if not os.path.exists(path):
            raise AssertionError("no reset code for bob: the test plants him once the organisation the setup made exists")
        with open(path) as f:
            self.args.reset_code = f.read().strip()

    def verifier_choice(self, owner):
        """Stock Agno by default, without the algorithm menu; this project's verifier shows it."""
        verifier = Select(self.element(owner, "connect-verifier"))
        algorithm = owner.find_element(By.ID, "connect-algorithm")
        self.observed["verifier_default"] = verifier.first_selected_option.get_attribute("value")
        self.observed["verifier_options"] = [o.text for o in verifier.options]
        self.observed["algorithm_menu_for_agno"] = algorithm.is_displayed()
        self.observed["agno_rs256_hint"] = self.element(owner, "connect-agno-rs256").text
        verifier.select_by_value("agentos-auth")
        self.observed["algorithm_menu_for_agentos_auth"] = algorithm.is_displayed()
        self.observed["algorithm_options"] = [o.get_attribute("value") for o in Select(algorithm).options]
        verifier.select_by_value("agno")

    def env_dialog(self, owner, into, first=False):
        """The .env dialog of a stock Agno OS: its forms, then the JWKS-file form's .env and file
        downloaded into `into`; returns the .env's path there."""
        a = self.args
        block = self.element(owner, "env-block")
        forms = owner.find_elements(By.CSS_SELECTOR, "#env-forms input[type=radio]")
        if first:
            self.observed["env_forms"] = [f.get_attribute("id") for f in forms]
            self.observed["env_default_form"] = next((f.get_attribute("id") for f in forms if f.is_selected()), None)
            self.observed["env_lines_pem"] = env_names(block.text)
            self.observed["jwks_url_offered"] = "JWT_JWKS_URL" in owner.find_element(By.CSS_SELECTOR, "dialog.modal").text
        owner.find_element(By.ID, "env-form-jwks-file").click()
        self.text_in(owner, "env-block", "JWT_JWKS_FILE")
        self.element(owner, "env-file-download")
        env_text = owner.find_element(By.ID, "env-block").text
        env = self.download(owner, "env-download", f"{a.os_id}.env", into)
        named = next((line.split("=", 1)[1].strip('"') for line in env.splitlines() if line.startswith("JWT_JWKS_FILE=")), "")
        jwks = json.loads(self.download(owner, "env-file-download", named or "missing", into))
        kids = sorted(k["kid"] for k in jwks["keys"])
        if first:
            self.observed["jwks_url_offered"] = self.observed["jwks_url_offered"] or "JWT_JWKS_URL" in owner.find_element(By.CSS_SELECTOR, "dialog.modal").text
            self.observed["env_steps"] = [li.text for li in owner.find_elements(By.CSS_SELECTOR, "#env-steps li")]
            self.shot(owner, "03-env-modal")
            self.shot(owner, "03-env-modal-390px", NARROW)
            self.observed["env_download_matches_block"] = env.strip() == env_text.strip()
            self.observed["env_downloaded"] = env
            self.observed["env_lines"] = env_names(env)
            self.observed["cors_line"] = next((line for line in env.splitlines() if line.startswith("CORS_ORIGIN_LIST=")), None)
            self.observed["jwks_file_name"] = named
            self.observed["jwks_file_kids"] = kids
        else:
            self.observed["jwks_file_kids_after_staging"] = kids
        return os.path.join(into, f"{a.os_id}.env")

    def use_os(self, driver, os_id):
        """Use the OS on a fresh page: the agents the OS lists (its answers to the page's tokens), or its refusal."""
        a = self.args
        driver.get(f"{a.console}/console#/o/{a.org}/use?os={os_id}")
        driver.refresh()  # a new page: nothing stale on it, and the OS's URL is shown again before sending
        self.element(driver, "use-send").click()
        self.wait(driver, lambda d: len(d.find_elements(By.CLASS_NAME, "agent-id")) >= 2 or d.find_elements(By.ID, "use-refused"),
                  20, "the OS's answer")
        refused = driver.find_elements(By.ID, "use-refused")
        return "refused: " + refused[0].text if refused else sorted(e.text for e in driver.find_elements(By.CLASS_NAME, "agent-id"))

    def staged_rotation(self, owner, agno_port):
        """Stage → the OS still answers → restart it from a fresh JWKS file → activate (the question
        names stock Agno) → it still answers, now to tokens of the new key."""
        a = self.args
        settings = f"/o/{a.org}/os/{a.os_id}"
        self.observed["use_before_staging"] = self.use_os(owner, a.os_id)
        self.go(owner, settings, "stage-key").click()
        self.element(owner, "key-staged")
        activate = self.wait(owner, lambda d: d.find_elements(By.CSS_SELECTOR, "button[id^='activate-']"), what="the pending key")[0]
        self.observed["staged_kid"] = activate.get_attribute("id").removeprefix("activate-")
        self.observed["jwks_fetch_line_agno"] = self.element(owner, "jwks-fetch").text
        self.shot(owner, "04-os-settings-staged")
        self.shot(owner, "04-os-settings-staged-390px", NARROW)
        self.observed["use_after_staging"] = self.use_os(owner, a.os_id)

        # The JWKS file now holds both keys: the OS restarts from it.
        self.go(owner, settings, "show-env").click()
        env_file = self.env_dialog(owner, os.path.join(self.out, "agno-2"))
        owner.find_element(By.ID, "modal-close").click()
        self.stop_agno()
        self.start_agno(env_file, agno_port, "agno-2.log")
        self.wait_for_agno(f"http://127.0.0.1:{agno_port}")

        # Activation asks first, in words from what the control plane knows of the OS.
        kid = self.observed["staged_kid"]
        self.element(owner, f"activate-{kid}").click()
        alert = self.wait(owner, ec.alert_is_present(), 5, "the activation's question")
        self.observed["activate_question"] = alert.text
        alert.accept()
        self.wait(owner, lambda d: not d.find_elements(By.ID, f"activate-{kid}"), what=f"{kid} to become active")
        self.observed["use_after_activation"] = self.use_os(owner, a.os_id)

    def verifier_switch(self, owner):
        """This project's verifier: the schedule appears, activation speaks of JWKS fetches; back to
        stock Agno only without a schedule (the server's 409 shown under the field)."""
        a = self.args
        settings = f"/o/{a.org}/os/{a.os_id}"
        self.go(owner, settings, "os-verifier-verifier")
        self.observed["schedule_menu_for_agno"] = bool(owner.find_elements(By.ID, "rotation-period"))
        self.observed["schedule_for_agno"] = self.element(owner, "rotation-none").text
        Select(owner.find_element(By.ID, "os-verifier-verifier")).select_by_value("agentos-auth")
        owner.find_element(By.ID, "os-verifier-submit").click()
        self.element(owner, "rotation-period")
        self.observed["verifier_shown"] = self.element(owner, "os-verifier").text
        self.observed["jwks_fetch_line"] = self.element(owner, "jwks-fetch").text
        # A pending key's question names the (missing) JWKS fetch; dismissed, nothing changes.
        owner.find_element(By.ID, "stage-key").click()
        self.element(owner, "key-staged")
        activate = owner.find_element(By.CSS_SELECTOR, "button[id^='activate-']")
        kid = activate.get_attribute("id").removeprefix("activate-")
        activate.click()
        alert = self.wait(owner, ec.alert_is_present(), 5, "the activation's question")
        self.observed["activate_question_agentos_auth"] = alert.text
        alert.dismiss()
        owner.refresh()
        self.element(owner, f"activate-{kid}")
        self.observed["dismissed_key_state"] = owner.find_element(
            By.XPATH, f"//tr[.//code[text()='{kid}']]//span[contains(@class, 'badge')]").text
        self.shot(owner, "04-os-settings-agentos-auth")
        owner.find_element(By.ID, f"revoke-{kid}").click()
        self.wait(owner, ec.alert_is_present(), 5, "the revocation's question").accept()
        self.wait(owner, lambda d: not d.find_elements(By.ID, f"activate-{kid}"), what=f"{kid} revoked")
        # A schedule, then stock Agno again: refused while scheduled, allowed once it is ended.
        Select(owner.find_element(By.ID, "rotation-period")).select_by_value(str(90 * 86400))
        owner.find_element(By.ID, "rotation-submit").click()
        self.text_in(owner, "rotation-current", "Every 90 days")
        Select(owner.find_element(By.ID, "os-verifier-verifier")).select_by_value("agno")
        owner.find_element(By.ID, "os-verifier-submit").click()
        self.observed["verifier_switch_refused"] = self.text_in(owner, "os-verifier-verifier-error", "schedule")
        Select(owner.find_element(By.ID, "rotation-period")).select_by_value("")
        owner.find_element(By.ID, "rotation-submit").click()
        self.text_in(owner, "rotation-current", "None")
        Select(owner.find_element(By.ID, "os-verifier-verifier")).select_by_value("agno")
        owner.find_element(By.ID, "os-verifier-submit").click()
        self.element(owner, "rotation-none")
        self.observed["verifier_final"] = self.element(owner, "os-verifier").text

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


def env_names(text):
    """The variable names of a .env's lines (a PEM's continuation lines name none)."""
    return [m.group(1) for m in (re.match(r"([A-Z][A-Z0-9_]*)=", line) for line in text.splitlines()) if m]


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
    parser.add_argument("--org-name", default="Acme")
    parser.add_argument("--owner-email", default="owner@acme.test")
    parser.add_argument("--owner-password", required=True)
    parser.add_argument("--setup-link", required=True, help="the …/console/setup#cpf_… link of a fresh control plane")
    parser.add_argument("--alice-password", default="alice's own password")
    parser.add_argument("--reset-code-file", required=True,
                        help="where a cpr_ code for bob@acme.test appears once the organisation exists (bob joins it then)")
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
