<?php
// path pattern => controller function (app/controllers.php); `artisan route:cache` exports this array

return [
    '/' => 'deal_form',
    '/deals/new' => 'deal_form',
    '/deals/(\d+)/pdf' => 'deal_pdf',
    '/zoho/status' => 'zoho_status',
    '/health' => 'health',
];
