<?php

return new class {
    public function up(PDO $db): void
    {
        $db->exec('ALTER TABLE customers ADD COLUMN email VARCHAR(100)');
    }

    public function down(PDO $db): void
    {
        $db->exec('ALTER TABLE customers DROP COLUMN email');
    }
};
