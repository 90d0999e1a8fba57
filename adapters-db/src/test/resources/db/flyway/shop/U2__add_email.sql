/* drop it again; the data in the other columns stays */
ALTER TABLE customers DROP COLUMN email;
