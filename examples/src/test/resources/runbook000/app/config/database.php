<?php

return [
    'default' => 'mysql',
    'connections' => [
        'mysql' => [
            'host' => env('DB_HOST', '127.0.0.1'),
            'port' => env('DB_PORT', '3306'),
            'database' => env('DB_DATABASE', 'deals'),
            'username' => env('DB_USERNAME', 'deals'),
            'password' => env('DB_PASSWORD', ''),
        ],
    ],
];
