CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL);
INSERT INTO customers (id, name) VALUES (1, 'Ann; with a semicolon');
