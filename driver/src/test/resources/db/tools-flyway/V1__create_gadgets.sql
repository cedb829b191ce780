-- Unqualified: Flyway runs this with search_path set to the test's own schema.
CREATE TABLE gadgets (
  id bigint PRIMARY KEY,
  name text NOT NULL
);
