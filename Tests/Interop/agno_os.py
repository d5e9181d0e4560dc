"""A real Agno AgentOS (agno[os]==3.1.10) with two agents on a local echo model: no LLM, no network.

Configured like any AgentOS: JWT_VERIFICATION_KEY (the PEM our control plane publishes) and the OS
id. Usage: python agno_os.py <os id> [--verify-audience]; prints "listening on http://127.0.0.1:<port>".
"""
import socket
import sys
from dataclasses import dataclass
from typing import Any, AsyncIterator, Iterator

import uvicorn
from agno.agent import Agent
from agno.models.base import Model
from agno.models.response import ModelResponse
from agno.os import AgentOS
from agno.os.config import AuthorizationConfig


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


def main() -> None:
    os_id = sys.argv[1]
    verify_audience = "--verify-audience" in sys.argv
    agents = [
        Agent(id="web-agent", name="Web Agent", model=EchoModel(), telemetry=False),
        Agent(id="finance-agent", name="Finance Agent", model=EchoModel(), telemetry=False),
    ]
    agent_os = AgentOS(
        id=os_id,
        agents=agents,
        authorization=True,
        authorization_config=AuthorizationConfig(verify_audience=verify_audience),
        telemetry=False,  # no network here: telemetry calls would only wait for timeouts
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    print(f"listening on http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(agent_os.get_app(), log_level="warning")).run(sockets=[listener])


if __name__ == "__main__":
    main()
