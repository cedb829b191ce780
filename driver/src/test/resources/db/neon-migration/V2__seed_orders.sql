INSERT INTO orders (customer, total)
SELECT 'customer-' || g, g * 1.5 FROM generate_series(1, 500) AS g;
