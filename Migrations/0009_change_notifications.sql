-- 0009: change notifications for the hot-path caches (docs/performance.md, "Caches on the
-- token path"; docs/decisions.md, "Invalidating the token path's caches").
--
-- Every replica keeps in memory what issuing a token reads — API keys, service-account client
-- rows, the issuance row of (organisation, OS, caller, subject) — and LISTENs on
-- `controlplane_changes`. Any statement that changes a table those reads depend on notifies the
-- channel at commit, whoever runs it (a replica, the CLI's admin commands, an operator in psql),
-- and every replica drops its cached rows. Statement-level triggers: one notification per
-- statement, folded by PostgreSQL into one per transaction; the token path's own writes
-- (token_status, status_list_*, audit_events) do not notify.
CREATE FUNCTION controlplane_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('controlplane_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

DO $$
DECLARE
    watched text;
BEGIN
    FOREACH watched IN ARRAY ARRAY[
        'organizations', 'os_instances', 'signing_keys', 'users', 'org_members', 'user_totp',
        'service_accounts', 'api_keys', 'roles', 'role_scopes', 'role_bindings', 'scope_grants',
        'subject_revocations'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION controlplane_notify_change()',
            watched || '_notify_change', watched
        );
    END LOOP;
END
$$;
