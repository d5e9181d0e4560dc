-- 0002: control-plane API keys, OS registry, per-OS signing keys (private halves sealed),
-- OS security keys, and the per-organisation audit chain.

CREATE TABLE api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key_hash bytea NOT NULL UNIQUE,          -- SHA-256 of the full key; the key itself is never stored
    prefix text NOT NULL,                    -- first characters, for display
    name text NOT NULL,
    superuser boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE os_instances (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    os_id text NOT NULL CHECK (os_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    url text,
    authorization_enabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, os_id)
);

CREATE TABLE signing_keys (
    os_instance uuid NOT NULL REFERENCES os_instances (id) ON DELETE CASCADE,
    kid text NOT NULL,
    algorithm text NOT NULL CHECK (algorithm IN ('RS256', 'ES256', 'EdDSA')),
    state text NOT NULL CHECK (state IN ('pending', 'active', 'retiring', 'retired', 'revoked')),
    public_key_pem text NOT NULL,
    public_jwk jsonb NOT NULL,
    private_key_ciphertext bytea NOT NULL,   -- AES-256-GCM, AAD = os instance | kid | algorithm
    kek_id text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    activated_at timestamptz,
    deactivated_at timestamptz,
    retire_at timestamptz,
    revoked_at timestamptz,
    PRIMARY KEY (os_instance, kid)
);
-- Exactly one signing key per OS.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (os_instance) WHERE state = 'active';

CREATE TABLE os_security_keys (
    os_instance uuid PRIMARY KEY REFERENCES os_instances (id) ON DELETE CASCADE,
    key_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_events (
    id bigserial PRIMARY KEY,
    org_id uuid NOT NULL,                    -- no FK: the trail outlives what it describes
    seq bigint NOT NULL,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    prev_hash text NOT NULL,
    hash text NOT NULL,
    UNIQUE (org_id, seq)
);
