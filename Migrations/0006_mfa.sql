-- 0006: TOTP second factor (issue #12). The TOTP secret is sealed under the KEK (AES-256-GCM,
-- AAD binds it to its user), recovery codes and sign-in challenges are stored as SHA-256 only.

CREATE TABLE user_totp (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_ciphertext bytea NOT NULL,         -- the 20-byte secret sealed under kek_id
    kek_id text NOT NULL,
    created_at timestamptz NOT NULL,
    confirmed_at timestamptz,                 -- NULL: enrolment pending until a code confirms it
    last_step bigint NOT NULL DEFAULT -1      -- last time step a code was accepted for (each code works once)
);

CREATE TABLE mfa_recovery_codes (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL UNIQUE,          -- SHA-256 of user id + normalised code
    created_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id);

-- After a right password, the second step of sign-in: single use, 5 minutes, a few wrong codes.
CREATE TABLE mfa_challenges (
    token_hash bytea PRIMARY KEY,             -- SHA-256 of the cpm_ token
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    failures int NOT NULL DEFAULT 0,
    used_at timestamptz
);
CREATE INDEX mfa_challenges_user ON mfa_challenges (user_id);

ALTER TABLE organizations ADD COLUMN require_mfa boolean NOT NULL DEFAULT false;
