INSERT INTO gadgets (id, name)
SELECT g, 'gadget ' || g FROM generate_series(1, 25) AS g;
