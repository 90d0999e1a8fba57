<?php

return new class {
    public function up(PDO $db): void
    {
        $db->exec('CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL)');
        $db->exec("INSERT INTO customers VALUES (1, 'Ann; with a semicolon')");
    }

    public function down(PDO $db): void
    {
        $db->exec('DROP TABLE customers');
    }
};
