ALTER TABLE ledger ADD COLUMN memo text NOT NULL DEFAULT '';
CREATE INDEX ledger_booked_idx ON ledger (booked_at);
