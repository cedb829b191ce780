-- Flyway runs this script outside a transaction: PostgreSQL refuses CONCURRENTLY inside one.
CREATE INDEX CONCURRENTLY ledger_account_idx ON ledger (account);
