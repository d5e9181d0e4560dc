"""An Agno AgentOS (agno[os]==3.1.10) protected by tokens from the control plane.

Two agents, web-agent and finance-agent, answer with a local echo model: no LLM, no API key, no network;
one team, research-team, of web-agent; one workflow, echo-workflow, runs web-agent (for the workflow
WebSocket, /workflows/ws). Sessions and memories live in memory (Agno's InMemoryDb), so Agno's user
isolation has something to isolate; they are gone when it stops.
Configured like any AgentOS, from the environment that `controlplane os env <os>` prints:
AGENT_OS_ID (the OS id, which tokens carry as `aud`) and JWT_VERIFICATION_KEY (the OS's public key) or
JWT_JWKS_FILE (the path of a JWKS file holding its public keys).
The control plane's console (/console) adds CORS_ORIGIN_LIST='["<console origin>"]' to the .env it
offers: Agno reads it itself, so the browser may call this OS directly ("Use the OS").

    set -a; . ./agentos.env; set +a
    python examples/agno_os.py --port 7777

With --mcp it also serves itself over MCP at /mcp (Agno's `mcp=True`; needs agno[os,mcp]==3.1.10):
behind the same gate, each MCP tool checking the scope of its REST equivalent. Behind a gateway or
proxy, --mcp-url names the endpoint its public MCP server card advertises (else the card names this
server's own address, sending MCP clients around the gateway).

Prints "listening on http://127.0.0.1:<port>" once it accepts requests (--port 0 picks a free port).
The README's quick start and the interop tests run exactly this file.
"""
import argparse
import os
import socket
from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterator, List, Optional

import uvicorn
from agno.agent import Agent
from agno.db.in_memory import InMemoryDb
from agno.models.base import Model
from agno.models.response import ModelResponse
from agno.os import AgentOS
from agno.os.authz import Authorization
from agno.team import Team
from agno.workflow import Workflow
from agno.workflow.step import Step


def _last_user_text(messages: Any) -> str:
    for message in reversed(messages or []):
        if getattr(message, "role", None) == "user":
            content = message.content
            return content if isinstance(content, str) else str(content)
    return ""


@dataclass
class EchoModel(Model):
    """Answers 'echo: <last user message>'."""

    id: str = "echo"
    name: str = "Echo"
    provider: str = "local"

    def invoke(self, *args, **kwargs) -> ModelResponse:
        return ModelResponse(role="assistant", content="echo: " + _last_user_text(kwargs.get("messages")))

    async def ainvoke(self, *args, **kwargs) -> ModelResponse:
        return self.invoke(*args, **kwargs)

    def invoke_stream(self, *args, **kwargs) -> Iterator[ModelResponse]:
        yield self.invoke(*args, **kwargs)

    async def ainvoke_stream(self, *args, **kwargs) -> AsyncIterator[ModelResponse]:
        yield self.invoke(*args, **kwargs)

    def _parse_provider_response(self, response: Any, **kwargs) -> ModelResponse:
        return response

    def _parse_provider_response_delta(self, response: Any) -> ModelResponse:
        return response


class _AnnouncingServer(uvicorn.Server):
    """Prints "listening on ..." once the app's startup has run and the socket accepts connections,
    so whoever waits for that line (the README, the tests) can send its first request at once."""

    async def startup(self, sockets: Optional[List[socket.socket]] = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and sockets:
            print(f"listening on http://127.0.0.1:{sockets[0].getsockname()[1]}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=7777, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--mcp", action="store_true", help="serve the OS over MCP at /mcp (needs agno[os,mcp])")
    parser.add_argument("--mcp-url", help="with --mcp: the public URL of /mcp (the gateway's), for the server card")
    arguments = parser.parse_args()
    port = arguments.port
    mcp: Any = arguments.mcp
    if arguments.mcp_url:
        from agno.os.config import MCPConfig

        # MCPConfig makes the built-in tools opt-in; default_tools=True keeps what mcp=True serves.
        mcp = MCPConfig(default_tools=True, server_card_url=arguments.mcp_url)
    os_id = os.environ.get("AGENT_OS_ID")
    if not os_id or not (os.environ.get("JWT_VERIFICATION_KEY") or os.environ.get("JWT_JWKS_FILE")):
        raise SystemExit(
            "set AGENT_OS_ID and JWT_VERIFICATION_KEY (or JWT_JWKS_FILE) first: `controlplane os env <os>` prints them"
        )
    db = InMemoryDb()
    agents = [
        Agent(id="web-agent", name="Web Agent", model=EchoModel(), db=db, telemetry=False),
        Agent(id="finance-agent", name="Finance Agent", model=EchoModel(), db=db, telemetry=False),
    ]
    teams = [Team(id="research-team", name="Research Team", members=[agents[0]], model=EchoModel(), db=db, telemetry=False)]
    # One workflow, for Agno's workflow WebSocket (/workflows/ws): a single step run by web-agent.
    workflows = [Workflow(id="echo-workflow", name="Echo Workflow", steps=[Step(name="echo", agent=agents[0])], telemetry=False)]
    agent_os = AgentOS(
        id=os_id,
        agents=agents,
        teams=teams,
        workflows=workflows,
        mcp=mcp,
        # Refuse tokens issued for another OS (Agno's default skips this check; AGNO_VERIFY_AUDIENCE=false
        # keeps Agno's default, which the control plane's tests use to show other JWTs fail on their own).
        # The keys come from JWT_VERIFICATION_KEY or JWT_JWKS_FILE, which Agno reads on its own.
        authorization=Authorization(verify_audience=os.environ.get("AGNO_VERIFY_AUDIENCE", "true") != "false"),
        telemetry=False,  # no network needed: telemetry calls would only wait for timeouts
    )
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    _AnnouncingServer(uvicorn.Config(agent_os.get_app(), log_level="warning")).run(sockets=[listener])


if __name__ == "__main__":
    main()
