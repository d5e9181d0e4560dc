-- 0004: identity hardening (issue #12): memberships join through single-use invitations,
-- password resets are single-use links, sessions get an id (listed and revoked by their user).

-- Existing memberships stay active; new ones start invited until the account redeems its invitation.
ALTER TABLE org_members ADD COLUMN state text NOT NULL DEFAULT 'active' CHECK (state IN ('invited', 'active'));

CREATE TABLE invitations (
    id uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL UNIQUE,         -- SHA-256 of the cpi_ code; the code itself is never stored
    created_by text NOT NULL,                -- audit actor of the inviting caller
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX invitations_org ON invitations (org_id, user_id);

CREATE TABLE password_resets (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL UNIQUE,         -- SHA-256 of the cpr_ code
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX password_resets_user ON password_resets (user_id);

ALTER TABLE sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX sessions_id ON sessions (id);
CREATE INDEX sessions_user ON sessions (user_id);
