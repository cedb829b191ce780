-- Outside a transaction (Flyway sees CONCURRENTLY); jdbc:neon: runs it on the direct endpoint.
CREATE INDEX CONCURRENTLY IF NOT EXISTS spring_notes_body_idx ON spring_notes (body);
