CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, note VARCHAR(100));
INSERT INTO orders (id, customer_id, note) VALUES (10, 1, 'it''s an order');
