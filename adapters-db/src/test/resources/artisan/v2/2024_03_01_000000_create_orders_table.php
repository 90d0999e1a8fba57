<?php

return new class {
    public function up(PDO $db): void
    {
        $db->exec('CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, note VARCHAR(100))');
    }

    public function down(PDO $db): void
    {
        $db->exec('DROP TABLE orders');
    }
};
