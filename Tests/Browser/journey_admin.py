"""The console an admin never has to leave (issue #26): console_journey.py calls `run(journey, owner)`
at the end of its journey, with the owner (signed in, TOTP enrolled) and alice (signed in, a member
bound to os-viewer on the OS) in their browsers, and adds `expected_failures(args)` (the failed
fetches this part provokes in their browsers on purpose) to the journey's console check. Carol's
browser, opened and closed here, is checked here.

Every expectation comes from the API's own answers, asked with an API key the owner creates on
the account page (which proves that page's key works as a bearer), or from the journey's arguments:

* loading states: each page, with 400 ms of network latency, shows "Loading…" (aria-busy) until its
  first fetch answers, never an empty <main>;
* your account: an API key created on the page works on GET /v1/me as the owner, and is refused once
  revoked on the page; alice's second session (signed in over the API) is listed beside "this
  session" and, ended on the page, is refused;
* settings: a rename shows in the organisation switcher and in GET /v1/orgs/{org}; alice (made admin
  on the members page: the confirmation dismissed leaves her role, accepted changes it) gets the
  API's 409 on the page for require_mfa without TOTP; the owner turns it on and off; a second
  organisation is deleted by typing its slug, after the page counted what goes;
* invitation page: a made-up code is refused before any password field; carol's real link shows
  the organisation, email and role the API's lookup answers; carol joins;
* members: carol's reset code from the page (the link ends with the code the API answered) sets her
  password on /console/reset, and she signs in with it;
* Explain for alice on the other agent says one reason naming the API's required scope; "Grant this"
  creates that grant (the API lists it, and explains the request as allowed), then it is revoked;
* the scope picker's rows are the API's scope catalogue, Company's resources grouped; a role made
  with a Company scope holds it;
* audit filtered by alice's name shows exactly the events the API labels with her, by name.

Each new page is saved as admin-*.png at 1280 x 800 and at 390 x 844 (admin-*-390px.png), and judged
at 390 px as the journey judges its own pages. A failed check raises AssertionError naming all of them.
"""
import json
import secrets
import time
import traceback
import urllib.error
import urllib.request

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

import journey_checks

WIDE, NARROW = (1280, 800), (390, 844)
SCRATCH = "scratch-org"
CAROL = "carol@acme.test"
CAROL_PASSWORDS = ("carol's first password", "carol's password after the reset")


class API:
    """The control plane's /v1 API from Python (no browser): the journey's independent source."""

    def __init__(self, base):
        self.base = base
        self.token = None

    def call(self, method, path, body=None, token=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        bearer = self.token if token is None else token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                text = response.read().decode()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text

    def ok(self, method, path, body=None, token=None):
        status, answer = self.call(method, path, body, token)
        if status >= 300:
            raise AssertionError(f"{method} {path}: {status} {answer}")
        return answer


class AdminJourney:
    def __init__(self, journey, owner):
        self.j = journey
        self.a = journey.args
        self.owner = owner
        self.alice = next(d for d in journey.drivers if d is not owner)
        self.api = API(self.a.console)
        self.problems = []
        self.observed = journey.observed.setdefault("admin", {})
        self.layouts = journey.observed.setdefault("admin_layout_390", {})
        self.org = f"/v1/orgs/{self.a.org}"

    # -- plumbing ---------------------------------------------------------------------------

    def check(self, condition, what, seen=None):
        if not condition:
            self.problems.append(f"{what}: {seen!r}" if seen is not None else what)
        return condition

    def wait(self, driver, condition, seconds=10, what="the page"):
        """As the journey's wait, but a page drawn again meanwhile (a stale element) is asked again."""
        try:
            return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException]).until(condition)
        except TimeoutException:
            raise AssertionError(f"timed out waiting for {what}") from None

    def load(self, driver, fragment, ready_id):
        """A full page load (not a hash change), so the console asks the API who is signed in again."""
        driver.get("about:blank")
        driver.get(f"{self.a.console}/console#{fragment}")
        return self.j.element(driver, ready_id)

    def shot(self, driver, name):
        """`name`.png at 1280 x 800 and `name`-390px.png at 390 x 844, the page judged at 390 px."""
        j = self.j
        window = driver.get_window_size()
        j.resize(driver, NARROW)
        layout = journey_checks.narrow_layout(driver)
        self.layouts[name] = layout
        self.check(layout["scroll_width"] <= layout["client_width"] and not layout["overflowing"], f"{name} overflows at 390 px", layout)
        for size, file in ((NARROW, f"{name}-390px"), (WIDE, name)):
            j.resize(driver, size)
            # A viewport of at least `size`, as tall as the document (the window's height holds the browser's bars too).
            height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
            bars = driver.get_window_size()["height"] - driver.execute_script("return window.innerHeight")
            driver.set_window_size(size[0], min(max(size[1], height) + bars, 4000))
            driver.execute_script("window.scrollTo(0, 0)")
            time.sleep(0.2)
            driver.save_screenshot(f"{j.out}/{file}.png")
        driver.set_window_size(window["width"], window["height"])

    def confirm(self, driver, accept=True):
        """The text of the confirm() the last click opened, accepted or dismissed."""
        alert = WebDriverWait(driver, 5).until(ec.alert_is_present())
        text = alert.text
        if accept:
            alert.accept()
        else:
            alert.dismiss()
        return text

    def network(self, driver, method, url):
        """From `driver`'s performance log since it was last read: every URL the page requested, and the
        body of its last `method` request to `url` (read through DevTools)."""
        messages = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
        sent = [m["params"] for m in messages if m.get("method") == "Network.requestWillBeSent"]
        urls = [p["request"]["url"] for p in sent]
        ids = [p["requestId"] for p in sent if p["request"]["url"] == url and p["request"]["method"] == method]
        if not ids:
            raise AssertionError(f"no {method} {url} in the browser's network log")
        return urls, driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": ids[-1]})["body"]

    def member(self, email):
        members = self.api.ok("GET", f"{self.org}/members")["members"]
        return next(m for m in members if m["user"]["email"] == email)

    # -- the parts --------------------------------------------------------------------------

    def run(self):
        try:
            self.parts()
        except Exception as error:
            if self.problems:  # what was found before the part that could not go on
                raise AssertionError(f"{type(error).__name__}: {error}; and before it: " + "; ".join(self.problems)) from error
            raise

    def parts(self):
        started = time.time()
        self.loading_states()
        self.api_key()
        self.rename()
        self.require_mfa()
        self.sessions()
        self.invitation_and_reset()
        self.explain_and_grant()
        self.scope_picker()
        self.audit()
        self.delete_org()
        # The organisation's first name again, as the rest of the test knows it.
        self.api.ok("PATCH", self.org, {"name": self.first_name})
        self.revoke_api_key()
        self.check(not self.carol_errors, "console errors in carol's browser", self.carol_errors)
        self.observed["seconds"] = round(time.time() - started, 1)
        with open(f"{self.j.out}/admin-observed.json", "w") as f:
            json.dump({"observed": self.observed, "layout_390": self.layouts, "problems": self.problems}, f, indent=1)
        if self.problems:
            raise AssertionError("the admin journey (journey_admin.py): " + "; ".join(self.problems))

    def loading_states(self):
        owner = self.owner
        self.load(owner, f"/o/{self.a.org}/os", "nav-settings")
        owner.execute_cdp_cmd("Network.enable", {})
        owner.execute_cdp_cmd("Network.emulateNetworkConditions",
                              {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1})
        seen = {}
        try:
            # The OS page is open: each hash change below draws another page.
            for page in ["use", "members", "access", "tokens", "audit", "settings", "account", "os"]:
                fragment = "#/account" if page == "account" else f"#/o/{self.a.org}/{page}"
                # 100 ms after the hash changes: the page's fetches (400 ms each) have not answered.
                early = owner.execute_async_script("""
                    const [hash, done] = arguments;
                    location.hash = hash;
                    setTimeout(() => {
                      const main = document.querySelector('main');
                      const busy = main && main.querySelector('[aria-busy="true"]');
                      done({busy: busy ? busy.textContent : null, text: main ? main.textContent.trim().slice(0, 60) : ''});
                    }, 100);""", fragment)
                self.wait(owner, lambda d: d.execute_script(
                    "const m = document.querySelector('main'); return !!m && !!m.querySelector('h1') && !m.querySelector('[aria-busy]')"),
                    20, f"the {page} page after loading")
                seen[page] = early
                self.check(early["busy"] == "Loading…" and early["text"], f"{page}: 'Loading…' (aria-busy) before the first answer", early)
        finally:
            owner.execute_cdp_cmd("Network.emulateNetworkConditions",
                                  {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        self.observed["loading"] = seen

    def api_key(self):
        owner = self.owner
        self.load(owner, "/account", "api-key-name")
        self.j.type(owner, "api-key-name", "journey key")
        owner.get_log("performance")  # only what follows is wanted
        owner.find_element(By.ID, "api-key-submit").click()
        key = self.j.element(owner, "api-key-value").get_attribute("value")
        self.j.element(owner, "revoke-api-key-journey key")
        urls, body = self.network(owner, "POST", f"{self.a.console}/v1/api-keys")
        self.check(json.loads(body)["key"] == key, "the page shows the key the API answered")
        self.check(not any(key in url for url in urls), "no URL the page requested holds the API key")
        status, me = self.api.call("GET", "/v1/me", token=key)
        if status != 200 or me["user"]["email"] != self.a.owner_email:
            raise AssertionError(f"the API key from the account page on GET /v1/me: {status} {me}")
        self.api.token = key
        listed = self.api.ok("GET", "/v1/api-keys")["api_keys"]
        prefix = next((k["prefix"] for k in listed if k["name"] == "journey key"), None)
        self.check(prefix and key.startswith(prefix), "the key starts with the prefix the API lists", prefix)
        self.check(f"{prefix}…" in owner.find_element(By.ID, "api-keys").text, "the page lists the key by its prefix")
        self.observed["api_key_works"] = True
        self.shot(owner, "admin-account-keys")

    def rename(self):
        owner = self.owner
        before = self.api.ok("GET", self.org)
        self.first_name = before["name"]
        renamed = before["name"] + " Robotics"
        self.load(owner, f"/o/{self.a.org}/settings", "org-rename-name")
        self.j.type(owner, "org-rename-name", renamed)
        owner.find_element(By.ID, "org-rename-submit").click()
        self.wait(owner, lambda d: Select(d.find_element(By.ID, "org-switch")).first_selected_option.text == renamed, 10,
                    "the new name in the organisation switcher")
        after = self.api.ok("GET", self.org)
        self.check(after["name"] == renamed and after["slug"] == before["slug"], "GET /v1/orgs/{org} after the rename", after)
        self.observed["renamed"] = after["name"]
        self.org_name = after["name"]
        self.shot(owner, "admin-settings")

    def require_mfa(self):
        owner, alice, j = self.owner, self.alice, self.j
        alice_id = self.member("alice@acme.test")["user"]["id"]
        # A role change asks first: dismissed, nothing changes (the select shows the role again).
        self.load(owner, f"/o/{self.a.org}/members", "role-alice@acme.test")
        Select(owner.find_element(By.ID, "role-alice@acme.test")).select_by_value("admin")
        question = self.confirm(owner, accept=False)
        self.check("alice@acme.test" in question and "admin" in question, "the role change's question names alice and the role", question)
        self.check(Select(owner.find_element(By.ID, "role-alice@acme.test")).first_selected_option.get_attribute("value") == "member",
                   "a dismissed role change leaves the select at member")
        self.check(self.member("alice@acme.test")["role"] == "member", "a dismissed role change changes nothing in the API")
        Select(owner.find_element(By.ID, "role-alice@acme.test")).select_by_value("admin")
        self.confirm(owner, accept=True)
        self.wait(owner, lambda d: self.member("alice@acme.test")["role"] == "admin", 10, "alice to be admin")

        # Alice, admin without TOTP, cannot require it: the page shows the API's 409.
        session = self.api.ok("POST", "/v1/auth/login", {"email": "alice@acme.test", "password": self.a.alice_password}, token="")
        status, refusal = self.api.call("PATCH", self.org, {"require_mfa": True}, token=session["token"])
        self.check(status == 409, "PATCH require_mfa by an admin without TOTP", (status, refusal))
        self.alice_session = session["token"]
        self.load(alice, f"/o/{self.a.org}/settings", "org-mfa-toggle").click()
        shown = j.text_in(alice, "org-mfa-result", refusal["error"]["message"] if status == 409 else "?")
        self.observed["require_mfa_refused"] = shown
        self.check(self.api.ok("GET", self.org)["require_mfa"] is False, "require_mfa stays off after the 409")
        self.shot(alice, "admin-settings-mfa-refused")

        # Back to member (asked, accepted), as the rest of the journey expects her.
        self.load(owner, f"/o/{self.a.org}/members", "role-alice@acme.test")
        Select(owner.find_element(By.ID, "role-alice@acme.test")).select_by_value("member")
        self.confirm(owner, accept=True)
        self.wait(owner, lambda d: self.member("alice@acme.test")["role"] == "member", 10, "alice to be a member again")
        self.alice_id = alice_id

        # The owner has TOTP: on, then off again.
        state = lambda text: lambda d: d.find_element(By.ID, "org-mfa-state").text == text  # noqa: E731
        self.load(owner, f"/o/{self.a.org}/settings", "org-mfa-toggle").click()
        self.wait(owner, state("required for admins and owners"), 10, "require_mfa on in the page")
        self.check(self.api.ok("GET", self.org)["require_mfa"] is True, "require_mfa on, from the owner's page")
        j.element(owner, "org-mfa-toggle").click()
        self.wait(owner, state("not required"), 10, "require_mfa off in the page")
        self.check(self.api.ok("GET", self.org)["require_mfa"] is False, "require_mfa off again, from the owner's page")

    def sessions(self):
        alice, j = self.alice, self.j
        listed = self.api.ok("GET", "/v1/me/sessions", token=self.alice_session)["sessions"]
        other = next(s["id"] for s in listed if s["current"])  # the API session, seen from itself
        self.load(alice, "/account", "session-current")
        rows = alice.find_elements(By.CSS_SELECTOR, "#sessions tbody tr")
        self.check(len(rows) == len(listed), "one row per session the API lists", (len(rows), len(listed)))
        self.shot(alice, "admin-account-sessions")
        j.element(alice, f"end-session-{other}").click()
        self.wait(alice, lambda d: not d.find_elements(By.ID, f"end-session-{other}"), 10, "the ended session to leave the list")
        status, _ = self.api.call("GET", "/v1/me", token=self.alice_session)
        self.check(status == 401, "a session ended on the page is refused", status)
        self.observed["session_ended"] = status

    def invitation_and_reset(self):
        owner, j = self.owner, self.j
        self.load(owner, f"/o/{self.a.org}/members", "invite-member-email")
        j.type(owner, "invite-member-email", CAROL)
        j.type(owner, "invite-member-name", "Carol")
        owner.find_element(By.ID, "invite-member-submit").click()
        link = j.element(owner, "invite-url").get_attribute("value")
        code = link.split("#", 1)[1]
        carol = j.browser()
        self.carol = carol
        try:
            # A made-up code: refused at once, before any password field.
            bogus = "cpi_" + secrets.token_urlsafe(32)
            status, _ = self.api.call("POST", "/v1/invitations/lookup", {"code": bogus}, token="")
            self.check(status == 400, "the API's lookup of a made-up code", status)
            carol.get(f"{self.a.console}/console/invite#{bogus}")
            j.element(carol, "invite-invalid")
            self.check(not carol.find_elements(By.ID, "invite-password"), "no password field for a bad invitation code")
            self.check(bogus not in carol.current_url, "a refused code leaves the address bar", carol.current_url)
            self.shot(carol, "admin-invite-invalid")

            # Carol's link: what the API's lookup says, before she types anything.
            preview = self.api.ok("POST", "/v1/invitations/lookup", {"code": code}, token="")
            carol.get(link)
            shown = {"org": j.element(carol, "invite-org").text, "email": j.element(carol, "invite-email").text,
                     "role": j.element(carol, "invite-role").text}
            expected = {"org": preview["organization"]["name"], "email": preview["email"], "role": preview["role"]}
            self.check(shown == expected and expected["org"] == self.org_name and expected["email"] == CAROL,
                       "the invitation page shows the lookup's organisation, email and role", (shown, expected))
            self.observed["invite_preview"] = shown
            self.shot(carol, "admin-invite")
            j.type(carol, "invite-name", "Carol")
            j.type(carol, "invite-password", CAROL_PASSWORDS[0])
            j.type(carol, "invite-confirm", CAROL_PASSWORDS[0])
            carol.find_element(By.ID, "invite-submit").click()
            j.element(carol, "invite-continue")

            # The owner's reset code for carol: the link ends with the code the API answered.
            carol_id = self.member(CAROL)["user"]["id"]
            self.load(owner, f"/o/{self.a.org}/members", f"reset-{CAROL}")
            owner.get_log("performance")  # only the reset's answer is wanted
            owner.find_element(By.ID, f"reset-{CAROL}").click()
            reset_link = j.element(owner, "reset-url").get_attribute("value")
            urls, body = self.network(owner, "POST", f"{self.a.console}{self.org}/members/{carol_id}/password-reset")
            answer = json.loads(body)
            self.check(reset_link == f"{self.a.console}/console/reset#{answer['code']}", "the reset link is the API's code in the fragment",
                       reset_link.split("#")[0])
            self.check(not any(answer["code"] in url for url in urls), "no URL the page requested holds the reset code")
            self.check("24 hours" in j.element(owner, "reset-link").text, "the reset link says how long it works")
            self.shot(owner, "admin-members-reset")

            # Carol redeems it and signs in with the new password.
            carol.get(reset_link)
            j.type(carol, "reset-password", CAROL_PASSWORDS[1])
            j.type(carol, "reset-confirm", CAROL_PASSWORDS[1])
            carol.find_element(By.ID, "reset-submit").click()
            j.element(carol, "reset-done")
            carol.get(f"{self.a.console}/console")
            j.type(carol, "signin-email", CAROL)
            j.type(carol, "signin-password", CAROL_PASSWORDS[1])
            carol.find_element(By.ID, "signin-submit").click()
            j.element(carol, "nav-os")
            self.observed["carol_signed_in_after_reset"] = True
            self.carol_errors = journey_checks.console_errors({"carol": carol}, {
                ("carol", f"{self.a.console}/v1/me", 401): (3, "the console asks who is signed in: the two invitation pages, and sign-in after the reset ended her session"),
                ("carol", f"{self.a.console}/v1/invitations/lookup", 400): (1, "the made-up invitation code"),
            })
        finally:
            carol.quit()
            self.j.drivers.remove(carol)

    def explain_and_grant(self):
        owner, j = self.owner, self.j
        path = "/agents/finance-agent/runs"
        subject = {"user": self.alice_id}
        grants_path = f"{self.org}/os/{self.a.os_id}/grants"
        answer = self.api.ok("POST", f"{self.org}/os/{self.a.os_id}/explain", {"subject": subject, "method": "POST", "path": path})
        self.check(not answer["allowed"] and answer["required_scopes"], "the API refuses alice the other agent", answer)
        self.load(owner, f"/o/{self.a.org}/access", "explain-subject")
        alice_option = next(o for o in Select(owner.find_element(By.ID, "explain-subject")).options if "alice@acme.test" in o.text)
        Select(owner.find_element(By.ID, "explain-subject")).select_by_value(alice_option.get_attribute("value"))
        Select(owner.find_element(By.ID, "explain-os")).select_by_value(self.a.os_id)
        Select(owner.find_element(By.ID, "explain-method")).select_by_value("POST")
        j.type(owner, "explain-path", path)
        owner.find_element(By.ID, "explain-submit").click()
        verdict = j.text_in(owner, "explain-verdict", "Refused")
        self.observed["explain_refused"] = verdict
        for scope in answer["required_scopes"]:
            self.check(scope in verdict, f"the verdict names {scope}", verdict)
        self.check("Required scope(s)" not in owner.find_element(By.ID, "explain-result").text and verdict.count("Refused") == 1,
                   "one reason, not the gate's rule beside it", verdict)
        self.shot(owner, "admin-explain")
        j.element(owner, "explain-grant").click()
        self.observed["explain_granted"] = j.text_in(owner, "explain-verdict", "Allowed")
        grants = self.api.ok("GET", grants_path)["grants"]
        made = [g for g in grants if g["scope"] in answer["required_scopes"]]
        self.check(len(made) == len(answer["required_scopes"]), "Grant this made the missing grant", grants)
        again = self.api.ok("POST", f"{self.org}/os/{self.a.os_id}/explain", {"subject": subject, "method": "POST", "path": path})
        self.check(again["allowed"], "the API allows the request after Grant this", again)
        self.shot(owner, "admin-explain-granted")
        # Removed again: the journey ends with no grant on the OS.
        for grant in made:
            j.element(owner, f"revoke-grant-{grant['subject']['label']}-{grant['scope']}").click()
            self.confirm(owner, accept=True)  # removing a grant is asked first
            self.wait(owner, lambda d: grant["id"] not in [g["id"] for g in self.api.ok("GET", grants_path)["grants"]], 10, "the grant to go")

    def scope_picker(self):
        owner, j = self.owner, self.j
        catalog = self.api.ok("GET", "/v1/scope-catalog", token="")
        self.load(owner, f"/o/{self.a.org}/access", "explain-subject")
        owner.execute_script("document.querySelector('#role').closest('details').open = true")
        j.element(owner, "role-slug")
        rows = [th.text for th in owner.find_elements(By.CSS_SELECTOR, "#role-scope-grid tbody th[scope=row]")]
        groups = [th.text for th in owner.find_elements(By.CSS_SELECTOR, "#role-scope-grid tr.scope-group th")]
        company = [r for r in catalog["resources"] if r in catalog["company_resources"]]
        expected = [r for r in catalog["resources"] if r not in catalog["company_resources"]] + company
        self.check(rows == expected and company and groups == ["Agno", "Company"], "the picker's rows are the API's catalogue, Company grouped",
                   (rows, groups))
        columns = [th.text for th in owner.find_elements(By.CSS_SELECTOR, "#role-scope-grid thead th")][1:]
        self.check(columns == catalog["actions"], "the picker's columns are the catalogue's actions", columns)
        scope = f"{company[0]}:read" if company else "agents:read"
        j.type(owner, "role-slug", "company-reader")
        owner.find_element(By.ID, f"role-scope-{scope.replace(':', '-')}").click()
        owner.find_element(By.ID, "role-submit").click()
        j.element(owner, "edit-role-company-reader")
        role = next((r for r in self.api.ok("GET", f"{self.org}/roles")["roles"] if r["slug"] == "company-reader"), {})
        self.check(role.get("scopes") == [scope], "a role made with a Company scope holds it", role)
        self.observed["company_scope"] = role.get("scopes")

    def audit(self):
        owner, j = self.owner, self.j
        events = self.api.ok("GET", f"{self.org}/audit?limit=500")["events"]
        name = "Alice"
        self.load(owner, f"/o/{self.a.org}/audit", "audit-actor")
        Select(owner.find_element(By.ID, "audit-limit")).select_by_value("500")
        found = {}
        for side in ["actor", "target"]:
            # The page's filter: the label (name and email) or the raw id contains the text, in any case.
            expected = sorted(e["seq"] for e in events if name.lower() in ((e.get(f"{side}_label") or "") + " " + e[side]).lower())
            for other in ["actor", "target"]:
                j.type(owner, f"audit-{other}", name if other == side else "")
            owner.execute_script("document.getElementById('audit-count')?.removeAttribute('id')")  # the answer's count, not the last one
            owner.find_element(By.ID, "audit-submit").click()
            count = j.element(owner, "audit-count").text
            self.check(count.startswith(f"{len(expected)} of the {len(events)} newest"), f"the count of events with alice's name as {side}", count)
            rows = owner.find_elements(By.CSS_SELECTOR, "#audit-events tbody tr")
            shown = sorted(int(r.find_element(By.TAG_NAME, "td").text) for r in rows)
            self.check(shown == expected, f"audit filtered by alice's name as {side} shows the events the API labels with her", (shown, expected))
            if expected and rows:
                label = next(e[f"{side}_label"] for e in events if e["seq"] == expected[-1])
                cell = rows[0].find_elements(By.TAG_NAME, "td")[2 if side == "actor" else 4].text
                self.check(label in cell, f"the {side} is shown by name and email", (label, cell))
            found[side] = len(shown)
        self.check(found["target"] > 0, "the API labels events about alice with her name", [e.get("target_label") for e in events[:8]])
        self.observed["audit_by_name"] = found
        self.shot(owner, "admin-audit")

    def delete_org(self):
        owner, j = self.owner, self.j
        self.api.ok("POST", "/v1/orgs", {"slug": SCRATCH, "name": "Scratch"})
        self.load(owner, f"/o/{SCRATCH}/settings", "org-delete-confirm")
        consequences = j.element(owner, "org-delete-consequences").text
        oses = len(self.api.ok("GET", f"/v1/orgs/{SCRATCH}/os")["os"])
        members = len(self.api.ok("GET", f"/v1/orgs/{SCRATCH}/members")["members"])
        plural = lambda n, one, many: f"{n} {one if n == 1 else many}"  # noqa: E731
        self.check(f"({plural(oses, 'OS', 'OSes')})" in consequences and f"({plural(members, 'member', 'members')}," in consequences,
                   "the deletion counts the API's OSes and members", consequences)
        submit = owner.find_element(By.ID, "org-delete-submit")
        j.type(owner, "org-delete-confirm", SCRATCH[:-1])
        self.check(not submit.is_enabled(), "the delete button waits for the exact slug")
        j.type(owner, "org-delete-confirm", SCRATCH)
        self.check(submit.is_enabled(), "the exact slug enables the delete button")
        self.shot(owner, "admin-settings-delete")
        submit.click()
        j.element(owner, "org-name")  # the organisations page
        status, _ = self.api.call("GET", f"/v1/orgs/{SCRATCH}")
        memberships = [m["organization"]["slug"] for m in self.api.ok("GET", "/v1/me")["memberships"]]
        self.check(status == 404 and SCRATCH not in memberships, "the deleted organisation is gone", (status, memberships))
        self.observed["deleted_org_status"] = status

    def revoke_api_key(self):
        owner, j = self.owner, self.j
        self.load(owner, "/account", "revoke-api-key-journey key").click()
        question = self.confirm(owner, accept=True)
        self.check("journey key" in question, "revoking asks, naming the key", question)
        self.wait(owner, lambda d: not d.find_elements(By.ID, "revoke-api-key-journey key"), 10, "the revoked key to leave the list")
        status, _ = self.api.call("GET", "/v1/me")
        self.check(status == 401, "the key revoked on the page is refused", status)
        self.observed["api_key_revoked"] = status



def run(journey, owner):
    try:
        AdminJourney(journey, owner).run()
    except Exception:
        # The journey's own report keeps only the end of its output; the whole story is kept here.
        with open(f"{journey.out}/admin-failure.txt", "w") as f:
            f.write(traceback.format_exc())
        raise


def expected_failures(a):
    """(browser, url, status) -> (times, why): what this part makes fail on purpose in the owner's and
    alice's browsers, for the journey's console check (journey_checks.console_errors)."""
    return {
        ("alice", f"{a.console}/v1/orgs/{a.org}", 409): (1, "alice, an admin without TOTP, asks to require it (journey_admin.require_mfa)"),
    }
