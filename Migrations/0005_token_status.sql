-- 0005: Token Status Lists (draft-ietf-oauth-status-list): per-OS index blocks, the record of
-- every issued token (jti, subject, index, expiry), per-subject revocation generations, and the
-- per-OS switch for the `roles` claim. Depends on 0001-0003 only.

-- The high-water mark of each OS's list; advanced a whole block at a time, row-locked. Revocation
-- by subject also locks this row (FOR UPDATE) and record batches share-lock it, so a batch
-- either commits before the revocation's UPDATE or sees the revocation's generation.
CREATE TABLE status_list_counters (
    os_instance uuid PRIMARY KEY REFERENCES os_instances (id) ON DELETE CASCADE,
    next_index integer NOT NULL DEFAULT 0 CHECK (next_index >= 0)
);

-- Blocks of indices leased by processes. A block may be leased again once every token that
-- could hold one of its indices has expired (reusable_after, on the issuing clock).
CREATE TABLE status_list_blocks (
    os_instance uuid NOT NULL REFERENCES os_instances (id) ON DELETE CASCADE,
    start_index integer NOT NULL CHECK (start_index >= 0),
    reusable_after timestamptz NOT NULL,
    PRIMARY KEY (os_instance, start_index)
);

CREATE TABLE token_status (
    os_instance uuid NOT NULL REFERENCES os_instances (id) ON DELETE CASCADE,
    idx integer NOT NULL CHECK (idx >= 0),
    jti text NOT NULL,
    subject text NOT NULL,                   -- the token's `sub`
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    PRIMARY KEY (os_instance, idx)
);
CREATE UNIQUE INDEX token_status_jti ON token_status (os_instance, jti);
CREATE INDEX token_status_subject ON token_status (os_instance, subject) WHERE revoked_at IS NULL;
CREATE INDEX token_status_revoked ON token_status (os_instance) WHERE revoked_at IS NOT NULL;

-- Bumped by every revocation of a subject on an OS. Issuance reads the generation in the same
-- snapshot as the scopes; a record whose generation differs when it is written is revoked.
CREATE TABLE subject_revocations (
    os_instance uuid NOT NULL REFERENCES os_instances (id) ON DELETE CASCADE,
    subject text NOT NULL,
    generation bigint NOT NULL,
    PRIMARY KEY (os_instance, subject)
);

ALTER TABLE os_instances ADD COLUMN roles_claim boolean NOT NULL DEFAULT false;
