<?php
// The front controller nginx/php-fpm would run (here: PHP's built-in server, `php -S ... -t public`).

require __DIR__ . '/../vendor/autoload.php';
require __DIR__ . '/../bootstrap/app.php';

$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
foreach (routes() as $pattern => $controller) {
    if (preg_match('#^' . $pattern . '$#', $path, $m)) {
        try {
            echo $controller(...array_slice($m, 1));
        } catch (Throwable $e) {
            app_log('ERROR', get_class($e) . ': ' . $e->getMessage());
            http_response_code(500);
            header('Content-Type: text/plain');
            echo "500 Server Error\n";
        }
        return;
    }
}
http_response_code(404);
echo "404 Not Found\n";
