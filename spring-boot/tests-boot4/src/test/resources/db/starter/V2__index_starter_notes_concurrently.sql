-- Flyway runs this outside a transaction; CONCURRENTLY goes to the direct endpoint.
CREATE INDEX CONCURRENTLY IF NOT EXISTS starter_notes_body_idx ON starter_notes (body);
