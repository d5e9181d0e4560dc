"""Checks the console journey (console_journey.py) makes on every page, judged by ConsoleBrowserTests.

console_errors: every SEVERE entry of the browsers' consoles that the journey did not provoke on
purpose. A failed fetch shows there as "<url> - Failed to load resource: the server responded with
a status of <n> (...)"; the journey's deliberate ones are listed in `expected_failures` with their
browser, exact URL, status, how often and why. Anything else (another URL, status or count, a
script error) is reported.
narrow_layout: the page is no wider than the window's viewport (its width less a vertical
scroll bar: the document's scrollWidth, which also catches overflowing text, is listed among the
overflowing when wider) and no visible part of any element lies outside it; content clipped by a scrolling
ancestor is not visible, so it counts only as far as that ancestor reaches. Closed <details> are
opened for the measurement (a tap shows them) and closed again.
decode_qr: the texts of the QR codes in a PNG (a screenshot of the canvas), decoded by zxing-cpp.
secret_in_requests: whether a secret (the setup code) appears in the URL or headers of any request
the browser sent, from its DevTools network log; and that the log did see it in the body it belongs in.
"""
import base64
import json
import re

import png
import zxingcpp

FAILED_FETCH = re.compile(r"^(\S+) - Failed to load resource: the server responded with a status of (\d+)\b")


def expected_failures(a):
    """(browser, url, status) -> (times, why the journey provokes it). `a` is the journey's arguments."""
    org = f"{a.console}/v1/orgs/{a.org}"
    return {
        ("owner", f"{a.console}/v1/me", 401): (2, "the console asks who is signed in: first visit, and after signing out"),
        ("owner", f"{a.console}/v1/setup", 401): (1, "a setup link with a code serve never printed, to show the refusal in words"),
        ("owner", f"{org}/os", 400): (1, "the connect form sent the id 'not an id!' to show the API's reason under the field"),
        ("owner", f"{org}/os/{a.os_id}", 409): (1, "back to stock Agno while a rotation schedule is set, to show the server's 409"),
        ("alice", f"{a.console}/v1/me", 401): (1, "the console asks who is signed in: alice opens her invitation with no account yet"),
        ("alice", f"{org}/os/{a.os_id}/tokens", 403): (2, "tokens for agents:finance-agent:run, then web-agent's after the revoke: not held"),
        ("alice", f"{a.console}/v1/auth/password-reset", 400): (1, "bob's reset link used a second time: the code is spent"),
    }


def console_errors(browsers, expected):
    """What is wrong with the SEVERE console entries of `browsers` (name -> driver): each entry not in
    `expected`, and each expected failure seen another number of times than listed."""
    problems, seen = [], {}
    for who, driver in browsers.items():
        for entry in driver.get_log("browser"):
            if entry["level"] != "SEVERE":
                continue
            failed = FAILED_FETCH.match(entry["message"])
            key = (who, failed.group(1), int(failed.group(2))) if failed else None
            if key in expected:
                seen[key] = seen.get(key, 0) + 1
            else:
                problems.append(f"{who}: {entry['message']}")
    for (who, url, status), (times, why) in expected.items():
        if seen.get((who, url, status), 0) != times:
            problems.append(f"{who}: {status} from {url} seen {seen.get((who, url, status), 0)} times, not {times} ({why})")
    return problems


# Every rendered element's box, cut to its clipping ancestors, against the viewport's width.
NARROW_LAYOUT_JS = """
window.scrollTo(0, 0);
const closed = [...document.querySelectorAll('details:not([open])')];
closed.forEach((d) => { d.open = true; });
const width = document.documentElement.clientWidth;
const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  [...el.classList].map((c) => '.' + c).join('');
const path = (el) => {
  const parts = [];
  for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
  return parts.join(' > ');
};
const offenders = new Set();
const found = [];
for (const el of document.body.querySelectorAll('*')) {
  if (!el.checkVisibility({ visibilityProperty: true }) || el.getClientRects().length === 0) continue;
  const box = el.getBoundingClientRect();
  if (box.width === 0 && box.height === 0) continue;
  let left = box.left, right = box.right;
  for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') {
      const clip = a.getBoundingClientRect();
      left = Math.max(left, clip.left);
      right = Math.min(right, clip.right);
    }
  }
  if (right - left <= 0 || (right <= width + 0.5 && left >= -0.5)) continue;
  offenders.add(el);
  // Only where the overflow starts: its children are carried out with it.
  if (!offenders.has(el.parentElement)) found.push(`${path(el)} [${Math.round(box.left)}..${Math.round(box.right)} px]`);
}
// Text is no element: a long word overflowing its box shows only in the document's width.
const scrollWidth = document.documentElement.scrollWidth;
if (scrollWidth > width) found.unshift(`document [scrollWidth ${scrollWidth} px > ${width} px]`);
closed.forEach((d) => { d.open = false; });
return {inner_width: window.innerWidth, client_width: width, scroll_width: scrollWidth, overflowing: found.slice(0, 20)};
"""


def narrow_layout(driver):
    return driver.execute_script(NARROW_LAYOUT_JS)


def response_body(driver, url):
    """The body of the last response to `url` in `driver`'s performance log (read through DevTools)."""
    request = None
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.responseReceived" and message["params"]["response"]["url"] == url:
            request = message["params"]["requestId"]
    if request is None:
        raise AssertionError(f"no response from {url} in the browser's network log")
    return driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": request})["body"]


def decode_qr(png_bytes):
    """The texts of the QR codes zxing-cpp finds in a PNG image."""
    width, height, rows, _ = png.Reader(bytes=png_bytes).asRGBA8()
    gray = bytearray()
    for row in rows:
        gray.extend((299 * row[i] + 587 * row[i + 1] + 114 * row[i + 2]) // 1000 for i in range(0, len(row), 4))
    found = zxingcpp.read_barcodes(memoryview(gray).cast("B", (height, width)), formats=zxingcpp.BarcodeFormat.QRCode)
    return [barcode.text for barcode in found]


def redacted(uri):
    """An otpauth:// URI with its secret left out, for a failure message."""
    return re.sub(r"secret=[^&]*", "secret=<redacted>", uri or "")


def secret_in_requests(driver, secret, body_url):
    """What `driver`'s network log (performance log, since its last read) says of `secret`: how many
    requests were sent, the URLs of those whose URL or headers hold it (a fragment is never sent, and
    DevTools reports it apart), and whether a POST to `body_url` carried it in its body."""
    sent, naming, in_body = 0, [], False
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        if message.get("method") == "Network.requestWillBeSent":
            request = params["request"]
            sent += 1
            if secret in request["url"] or secret in json.dumps(request.get("headers", {})):
                naming.append(request["url"])
            body = request.get("postData", "") + "".join(
                base64.b64decode(part.get("bytes", "")).decode("utf-8", "replace") for part in request.get("postDataEntries", []))
            if request["method"] == "POST" and request["url"] == body_url and secret in body:
                in_body = True
        elif message.get("method") == "Network.requestWillBeSentExtraInfo":
            if secret in json.dumps(params.get("headers", {})):
                naming.append(f"headers of request {params.get('requestId')}")
    return {"sent": sent, "naming_the_code": naming, "code_in_setup_body": in_body}
