"""The console journey's safety checks (docs/security.md, F2 and F5, and the single-use reset link);
console_journey.py calls these in order.

narrowed_tokens: the owner connects a second OS whose URL is a capture server; "Use the OS",
opened as #/o/<org>/use?os=<id>, names that URL before anything is sent, and every token the
capture server then receives (the Use page's lists and run, the grant picker's lists) carries
only the scopes of its one call and lives at most 60 s; an agent the OS lists as "*" is offered
nowhere (it would make agents:*:run, every agent).
inert_names: a member name holding ESC and a bidi override (planted in the database by
ConsoleBrowserTests, as rows from before the server refused them) shows as visible escapes.
reset_password: the reset link sets a password (the two fields must match) and refuses the code
once it is used.
"""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from capture_os import AGENT, WILDCARD, CaptureOS

CAPTURE_OS = "capture"
# Control characters (C0, DEL, C1) and the bidi overrides and isolates, as raw characters in text.
RAW_CONTROLS = r"/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/"


def narrowed_tokens(journey, owner):
    a = journey.args
    capture = CaptureOS(a.console)
    journey.capture = capture
    journey.go(owner, f"/o/{a.org}/os", "connect-name")
    journey.type(owner, "connect-name", "Capture")
    journey.type(owner, "connect-id", CAPTURE_OS)
    journey.type(owner, "connect-url", capture.url)
    owner.find_element(By.ID, "connect-submit").click()  # authorization and os-admin: the admin's defaults
    journey.element(owner, "env-block")
    owner.find_element(By.ID, "modal-close").click()
    journey.element(owner, "use-this-os")  # the OS settings link to #/o/<org>/use?os=<id>

    # Opened straight from its address: the Use page, on that OS, naming the URL; nothing sent yet.
    journey.go(owner, f"/o/{a.org}/use?os={CAPTURE_OS}", "use-send")
    observed = journey.observed
    observed["use_query_page"] = owner.find_element(By.TAG_NAME, "h1").text
    observed["use_query_os"] = Select(owner.find_element(By.ID, "use-os")).first_selected_option.get_attribute("value")
    observed["use_target"] = journey.element(owner, "use-target").text
    observed["capture_url"] = capture.url
    observed["use_send_label"] = owner.find_element(By.ID, "use-send").text
    observed["tokens_before_consent"] = len(capture.with_token())
    journey.shot(owner, "18-use-the-os-target")

    owner.find_element(By.ID, "use-send").click()
    journey.wait(owner, lambda d: any(e.text == AGENT for e in d.find_elements(By.CLASS_NAME, "agent-id")), what="the capture OS's agent")
    # The OS also listed an agent "*": left out of the run picker, and said so.
    observed["run_options"] = [o.get_attribute("value") for o in Select(owner.find_element(By.ID, "run-agent")).options]
    observed["use_unusable"] = journey.element(owner, "use-unusable").text
    observed["capture_run"] = journey.run_agent(owner, AGENT, "what do you see?", "run-content")
    owner.find_element(By.CSS_SELECTOR, "details.calls summary").click()
    journey.shot(owner, "19-use-the-os-narrowed")

    # The grant picker lists the same OS's agents, with tokens of its own.
    journey.go(owner, f"/o/{a.org}/access", "grants-os")
    Select(owner.find_element(By.ID, "grants-os")).select_by_value(CAPTURE_OS)
    journey.text_in(owner, "grants-target", capture.url)
    if owner.find_elements(By.ID, "grants-send"):  # this page already agreed to the URL on the Use page
        owner.find_element(By.ID, "grants-send").click()
    options = lambda d: [o.get_attribute("value") for o in Select(d.find_element(By.ID, "grant-resource")).options]  # noqa: E731
    journey.wait(owner, lambda d: AGENT in options(d), what="the capture OS's agent in the grant picker")
    observed["grant_options"] = options(owner)
    observed["capture_tokens"] = capture.with_token()


def inert_names(journey, owner):
    journey.go(owner, f"/o/{journey.args.org}/members", "invite-member-email")
    row = journey.wait(owner, lambda d: next((r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if "bob@acme.test" in r.text), None),
                       what="bob in the members list")
    journey.observed["bob_name_shown"] = row.find_element(By.TAG_NAME, "td").text.split("\n")[0]
    journey.observed["members_page_raw_controls"] = owner.execute_script(f"return {RAW_CONTROLS}.test(document.body.textContent)")
    journey.shot(owner, "20-members-inert-name")


def reset_password(journey, driver):
    a = journey.args
    link = f"{a.console}/console/reset#{a.reset_code}"
    driver.get(link)
    journey.element(driver, "reset-password")
    journey.shot(driver, "21-reset")
    journey.shot(driver, "21-reset-390px", (390, 844))
    journey.type(driver, "reset-password", a.bob_password)
    journey.type(driver, "reset-confirm", "something else entirely")
    driver.find_element(By.ID, "reset-submit").click()
    journey.observed["reset_mismatch"] = journey.text_in(driver, "reset-confirm-error", "differ")
    journey.type(driver, "reset-confirm", a.bob_password)
    driver.find_element(By.ID, "reset-submit").click()
    journey.observed["reset_done"] = journey.element(driver, "reset-done").text
    journey.observed["reset_code_left_in_url"] = a.reset_code in driver.current_url
    journey.shot(driver, "21-reset-done")

    # The same link again: the code is spent.
    driver.get(link)
    journey.type(driver, "reset-password", "yet another password")
    journey.type(driver, "reset-confirm", "yet another password")
    driver.find_element(By.ID, "reset-submit").click()
    journey.observed["reset_used"] = journey.element(driver, "reset-invalid").text
    journey.shot(driver, "21-reset-used")
