<?php

return new class {
    public function up(PDO $db): void
    {
        $db->exec('ALTER TABLE no_such_table ADD COLUMN x INT');
    }

    public function down(PDO $db): void
    {
    }
};
