CREATE TABLE IF NOT EXISTS starter_notes (
  id bigserial PRIMARY KEY,
  body text NOT NULL
);
