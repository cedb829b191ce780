INSERT INTO ledger (account, amount)
SELECT 'account-' || (g % 50), g * 0.25 FROM generate_series(1, 300) AS g;
