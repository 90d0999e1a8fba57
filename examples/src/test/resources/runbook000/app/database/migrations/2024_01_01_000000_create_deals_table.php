<?php

return new class {
    public function up(PDO $db): void
    {
        $db->exec('CREATE TABLE deals (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT NULL,'
            . ' amount DECIMAL(10,2) NOT NULL)');
    }

    public function down(PDO $db): void
    {
        $db->exec('DROP TABLE deals');
    }
};
