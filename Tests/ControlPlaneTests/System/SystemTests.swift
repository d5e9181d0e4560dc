import Testing

/// Every test that starts a process of its own (the `controlplane` and `demo-os` binaries, Python
/// with PyJWT, schemathesis or a real Agno AgentOS, Chromium, nginx, a PostgreSQL cluster of its
/// own) is nested here and runs one at a time, so at most one external process group competes
/// with the in-process API tests for the machine's cores (docs/testing.md).
@Suite(.serialized) enum SystemTests {}
