-- Flyway runs this script outside a transaction: PostgreSQL refuses CONCURRENTLY inside one.
-- It also needs spring.flyway.postgresql.transactional-lock=false: a concurrent build waits for
-- every older transaction, including one that would hold Flyway's transaction-level lock.
CREATE INDEX CONCURRENTLY entries_note_idx ON entries (note);
