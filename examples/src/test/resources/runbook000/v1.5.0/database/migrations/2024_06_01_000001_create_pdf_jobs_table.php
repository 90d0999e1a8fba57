<?php

return new class {
    public function up(PDO $db): void
    {
        $db->exec('CREATE TABLE pdf_jobs (id INT AUTO_INCREMENT PRIMARY KEY, deal_id INT NOT NULL,'
            . ' status VARCHAR(20) NOT NULL)');
    }

    public function down(PDO $db): void
    {
        $db->exec('DROP TABLE pdf_jobs');
    }
};
