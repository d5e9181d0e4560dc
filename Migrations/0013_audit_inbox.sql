-- Audit events waiting for their chain (docs/decisions.md, "Mutations group-commit their audit
-- events"). A mutation writes its event here in its own transaction, with no lock, so changes in
-- one organisation commit side by side; the sequencer then chains what is waiting under the
-- organisation's chain lock, many events per transaction, and deletes them here. An event is
-- never lost between the two: it is durable from the mutation's commit on, and chained by the
-- next request, audit read or start-up of any replica.
--
-- A database writer must not be able to have the server seal events it never wrote: every row
-- carries a MAC of its content and a nonce under the audit key (derived from the KEK, never
-- stored), checked before chaining; a nonce once chained is spent, so a copied row is refused
-- too. Refused rows are recorded in the system chain (`audit.inbox_rejected`), never chained as
-- what they claim to be (docs/security.md, 3.16).
CREATE TABLE audit_inbox (
    id bigserial PRIMARY KEY,
    nonce uuid NOT NULL UNIQUE,
    org_id uuid NOT NULL,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    details jsonb NOT NULL,
    mac text NOT NULL,
    mac_key text NOT NULL
);

CREATE INDEX audit_inbox_org ON audit_inbox (org_id, id);

CREATE TABLE audit_inbox_spent (
    nonce uuid PRIMARY KEY
);
