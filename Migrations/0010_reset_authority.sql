-- 0010: a password-reset code holds only while the authority that issued it still covers every
-- organisation of the account (issue #24, finding 1; docs/security.md, "Credentials are their
-- owner's"). An org admin's code names its organisation; the superuser key's names none.
ALTER TABLE password_resets ADD COLUMN issuer_org uuid REFERENCES organizations (id) ON DELETE CASCADE;

-- Codes an org admin issued before this migration do not say for which organisation: void them
-- (they would otherwise pass as a superuser's).
UPDATE password_resets SET used_at = now() WHERE used_at IS NULL AND created_by LIKE 'user:%';

-- Any membership of another organisation (an invitation, a join, a move) voids the codes other
-- organisations' admins issued for the account, whatever path adds it. Redemption checks the
-- same rule again (Accounts.redeemReset), so neither alone is load-bearing.
CREATE FUNCTION controlplane_void_foreign_resets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE password_resets SET used_at = now()
    WHERE user_id = NEW.user_id AND used_at IS NULL AND issuer_org IS NOT NULL AND issuer_org <> NEW.org_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER org_members_void_foreign_resets AFTER INSERT OR UPDATE OF org_id, user_id, state ON org_members
    FOR EACH ROW EXECUTE FUNCTION controlplane_void_foreign_resets();

-- An admin's authority is checked at redemption, but it could come back before then (demoted and
-- promoted again, disabled and enabled, removed and re-invited), and with it a code issued
-- before. Whatever takes it away voids the codes for good: the issuer's when their role changes,
-- they are disabled or removed; and the codes for the account in that organisation when its own
-- membership changes role or ends.
CREATE FUNCTION controlplane_void_lapsed_resets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.role <> OLD.role OR (NEW.disabled AND NOT OLD.disabled) OR NEW.state <> OLD.state THEN
        UPDATE password_resets SET used_at = now()
        WHERE used_at IS NULL AND issuer_org = OLD.org_id
          AND (created_by = 'user:' || OLD.user_id::text OR user_id = OLD.user_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER org_members_void_lapsed_resets AFTER UPDATE OR DELETE ON org_members
    FOR EACH ROW EXECUTE FUNCTION controlplane_void_lapsed_resets();
