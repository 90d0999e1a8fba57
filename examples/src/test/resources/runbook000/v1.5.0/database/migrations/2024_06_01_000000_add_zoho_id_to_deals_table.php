<?php

return new class {
    public function up(PDO $db): void
    {
        $db->exec('ALTER TABLE deals ADD COLUMN zoho_id VARCHAR(40) NULL');
    }

    public function down(PDO $db): void
    {
        $db->exec('ALTER TABLE deals DROP COLUMN zoho_id');
    }
};
