-- 0003: users and org membership, sign-in sessions, user API keys, service accounts,
-- OS roles with their scopes, role bindings and per-OS scope grants.

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    password_hash text,                      -- bcrypt; NULL = cannot sign in with a password
    created_at timestamptz NOT NULL DEFAULT now()
);
-- Emails are unique case-insensitively.
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));

CREATE TABLE org_members (
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_user ON org_members (user_id);

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,            -- SHA-256 of the cps_ token
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);

-- User API keys act as their owner; superuser keys have no user.
ALTER TABLE api_keys ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_owner CHECK (superuser OR user_id IS NOT NULL);

CREATE TABLE service_accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    client_id text NOT NULL UNIQUE,
    secret_hash bytea NOT NULL UNIQUE,       -- SHA-256 of the client secret
    token_broker boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE roles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    builtin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, slug)
);

CREATE TABLE role_scopes (
    role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    scope text NOT NULL,
    PRIMARY KEY (role_id, scope)
);

-- Exactly one subject (user or service account); os_instance NULL = every OS of the org.
CREATE TABLE role_bindings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role_id uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    service_account_id uuid REFERENCES service_accounts (id) ON DELETE CASCADE,
    os_instance uuid REFERENCES os_instances (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (service_account_id IS NULL))
);
CREATE UNIQUE INDEX role_bindings_unique ON role_bindings (
    role_id,
    coalesce(user_id, service_account_id),
    coalesce(os_instance, '00000000-0000-0000-0000-000000000000'::uuid)
);
CREATE INDEX role_bindings_user ON role_bindings (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX role_bindings_service_account ON role_bindings (service_account_id) WHERE service_account_id IS NOT NULL;

CREATE TABLE scope_grants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    os_instance uuid NOT NULL REFERENCES os_instances (id) ON DELETE CASCADE,
    user_id uuid REFERENCES users (id) ON DELETE CASCADE,
    service_account_id uuid REFERENCES service_accounts (id) ON DELETE CASCADE,
    scope text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((user_id IS NULL) <> (service_account_id IS NULL))
);
CREATE UNIQUE INDEX scope_grants_unique ON scope_grants (os_instance, coalesce(user_id, service_account_id), scope);
CREATE INDEX scope_grants_user ON scope_grants (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX scope_grants_service_account ON scope_grants (service_account_id) WHERE service_account_id IS NOT NULL;
