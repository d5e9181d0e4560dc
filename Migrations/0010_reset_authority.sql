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
