-- 0008: scheduled key rotation per OS (docs/keys.md, "Rotation on a schedule"). An OS with a
-- rotation period gets its next key staged as `pending`, activated when the active key has
-- been active for the period, and the old one retired by the scheduler (`KeyRotation`).
-- NULL: no schedule (rotate by hand). Bounds as in `Validation.rotationPeriod`: 1 h to 365 days.
ALTER TABLE os_instances ADD COLUMN rotation_period integer
    CHECK (rotation_period IS NULL OR rotation_period BETWEEN 3600 AND 31536000);

-- The scheduler's work list: keys of scheduled OSes by state (pending / active), and retiring
-- keys by when they retire.
CREATE INDEX signing_keys_retiring ON signing_keys (retire_at) WHERE state = 'retiring';
