-- 0012: what verifies each OS, when a verifier last fetched its JWKS, and the one-time setup
-- codes of a fresh control plane (docs/security.md, 3.10 and 3.11).

-- `agno`: a stock Agno AgentOS (RS256 only, its key read once at start-up from a PEM or a JWKS
-- file); `agentos-auth`: this project's verifier or gateway (any algorithm, the JWKS URL, status
-- lists). An OS that already publishes a key Agno cannot use, or rotates on a schedule, can only
-- have been running this project's verifier, so it keeps working as it did.
ALTER TABLE os_instances ADD COLUMN verifier text NOT NULL DEFAULT 'agno'
    CHECK (verifier IN ('agno', 'agentos-auth'));
UPDATE os_instances o SET verifier = 'agentos-auth'
WHERE o.rotation_period IS NOT NULL
   OR EXISTS (
       SELECT 1 FROM signing_keys k
       WHERE k.os_instance = o.id AND k.algorithm <> 'RS256' AND k.state IN ('pending', 'active', 'retiring')
   );

-- The last JWKS fetch a verifier made naming this OS (header `AgentOS-Id`), with the kids the
-- answer held. Its own table: writes here must not notify `controlplane_changes` (0009), which
-- would drop every replica's token-path caches on each fetch.
CREATE TABLE os_jwks_fetches (
    os_instance uuid PRIMARY KEY REFERENCES os_instances (id) ON DELETE CASCADE,
    fetched_at timestamptz NOT NULL,
    kids text[] NOT NULL
);

-- Setup codes: SHA-256 only; a code is good once, until `expires_at`, and only while no
-- organisation exists (checked in the transaction that uses it).
CREATE TABLE setup_codes (
    code_hash bytea PRIMARY KEY,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
