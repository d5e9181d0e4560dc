-- 0011: Status List Tokens get a signing key of their own, one per OS (issue #24, finding 3;
-- docs/security.md, "Every JWT kind has its own typ and key"). Signed with the access-token key,
-- the public list was itself a valid access token to any verifier that skips `typ` (PyJWT, stock
-- Agno). This key never appears in the OS's access-token JWKS or PEM: it is published only at
-- …/status-list/jwks.json, which verifiers fetch beside the list.
CREATE TABLE status_list_keys (
    os_instance uuid PRIMARY KEY REFERENCES os_instances (id) ON DELETE CASCADE,
    kid text NOT NULL,
    algorithm text NOT NULL CHECK (algorithm = 'ES256'),
    jwk jsonb NOT NULL,
    private_key_ciphertext bytea NOT NULL,   -- AES-256-GCM under the KEK, AAD names its purpose
    kek_id text NOT NULL,
    created_at timestamptz NOT NULL
);
