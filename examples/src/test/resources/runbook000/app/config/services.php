<?php

return [
    'zoho' => [
        'api' => env('ZOHO_API', 'v2'),
        'token' => env('ZOHO_TOKEN'),
    ],
];
