CREATE TABLE ledger (
    id bigserial PRIMARY KEY,
    account text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    booked_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ledger IS 'created by Flyway through the pooled URL';
