-- a comment; with a semicolon
ALTER TABLE customers ADD COLUMN email VARCHAR(200);
UPDATE customers SET email = 'ann@example.com' WHERE id = 1;
