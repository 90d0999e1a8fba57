<?php

return [
    'name' => env('APP_NAME', 'Deals'),
    'env' => env('APP_ENV', 'production'),
    'version' => env('APP_VERSION', 'unknown'),
];
