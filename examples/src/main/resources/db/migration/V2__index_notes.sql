CREATE INDEX IF NOT EXISTS example_notes_created_at ON example_notes (created_at);
