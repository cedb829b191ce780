CREATE TABLE IF NOT EXISTS spring_notes (
  id bigserial PRIMARY KEY,
  body text NOT NULL
);
