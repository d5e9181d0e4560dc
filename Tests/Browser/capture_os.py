"""A stand-in AgentOS that records what it is sent: the server an OS URL could point at.

It answers the console's calls as an AgentOS would (one agent, no teams or workflows, a run that
answers "captured"), with CORS for the console's origin, and keeps every request's method, path
and Authorization header, so the journey can check what a token the console sent there carries.
"""
import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AGENT = "capture-agent"
WILDCARD = "*"


class CaptureOS:
    def __init__(self, console_origin):
        self.console_origin = console_origin
        self.requests = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def with_token(self):
        """The requests that carried a bearer token, each with its decoded claims."""
        with self.lock:
            seen = list(self.requests)
        return [dict(method=m, path=p, **claims(auth)) for m, p, auth in seen if auth and auth.startswith("Bearer ")]

    def _handler(self):
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the journey prints only its RESULT line
                pass

            def cors(self):
                self.send_header("Access-Control-Allow-Origin", capture.console_origin)
                self.send_header("Access-Control-Allow-Methods", "GET, POST")
                self.send_header("Access-Control-Allow-Headers", "authorization, accept, content-type")

            def answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def record(self):
                with capture.lock:
                    capture.requests.append((self.command, self.path, self.headers.get("Authorization")))

            def do_OPTIONS(self):  # the browser's preflight: never carries the token
                self.send_response(204)
                self.cors()
                self.end_headers()

            def do_GET(self):
                self.record()
                # "*" is a hostile OS's try to widen the console's token: agents:*:run is every agent.
                agents = [{"id": AGENT, "name": "Capture Agent"}, {"id": WILDCARD, "name": "Every agent"}]
                lists = {"/agents": agents, "/teams": [], "/workflows": []}
                if self.path in lists:
                    return self.answer(200, lists[self.path])
                self.answer(404, {"detail": "not found"})

            def do_POST(self):
                self.record()
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == f"/agents/{AGENT}/runs":
                    return self.answer(200, {"content": "captured"})
                self.answer(404, {"detail": "not found"})

        return Handler


def claims(authorization):
    """The JWT's payload (not verified: what matters here is what it would grant whoever holds it)."""
    payload = authorization.split(" ", 1)[1].split(".")[1]
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return {"scopes": body.get("scopes"), "lifetime": body["exp"] - body["iat"], "jti": body.get("jti"), "aud": body.get("aud")}
