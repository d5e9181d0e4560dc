-- Audit events waiting for their chain (docs/decisions.md, "Mutations group-commit their audit
-- events"). A mutation writes its event here in its own transaction, with no lock, so changes in
-- one organisation commit side by side; the sequencer then chains what is waiting under the
-- organisation's chain lock, many events per transaction, and deletes them here. An event is
-- never lost between the two: it is durable from the mutation's commit on, and chained by the
-- next request, audit read or start-up of any replica.
CREATE TABLE audit_inbox (
    id bigserial PRIMARY KEY,
    org_id uuid NOT NULL,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    details jsonb NOT NULL
);

CREATE INDEX audit_inbox_org ON audit_inbox (org_id, id);
