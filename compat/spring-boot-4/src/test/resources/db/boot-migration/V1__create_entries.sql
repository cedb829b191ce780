-- Unqualified: Flyway puts the schema named by spring.flyway.schemas on the search path.
CREATE TABLE entries (
    id bigserial PRIMARY KEY,
    note text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO entries (note) SELECT 'seed-' || g FROM generate_series(1, 20) AS g;
