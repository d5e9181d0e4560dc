-- 0007: an audit chain a database writer cannot forge (issue #12). `hash` becomes an HMAC-SHA256
-- under a key derived (HKDF) from a KEK, which is never stored here; `mac_key` names the KEK it
-- was derived from. NULL marks an event of the earlier unkeyed SHA-256 chain: SQL cannot re-MAC
-- (the key is not in the database), so the application verifies each such chain once at start-up
-- and re-seals it under the key (docs/decisions.md, "Keyed audit chain").
ALTER TABLE audit_events ADD COLUMN mac_key text;

-- Events that belong to no organisation (superuser keys, API keys, account-level MFA changes)
-- form one more chain under the all-zero organisation id (there is no FK on org_id).
