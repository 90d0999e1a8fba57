<?php
// Laravel-shaped bootstrap for Backstep's runbook 000 test. Like Laravel: the configuration comes
// from bootstrap/cache/config.php when it is cached (`artisan config:cache`; .env is then NOT read),
// else from config/*.php with env() reading .env (real environment variables win); routes from
// bootstrap/cache/routes-v7.php when cached (`route:cache`), else routes/web.php; views from
// storage/framework/views/<sha1>.php when compiled (`view:cache`), else resources/views.

define('APP_BASE', dirname(__DIR__));

function dotenv(): array
{
    static $values = null;
    if ($values === null) {
        $values = [];
        $file = APP_BASE . '/.env';
        foreach (is_file($file) ? file($file, FILE_IGNORE_NEW_LINES) : [] as $line) {
            if (preg_match('/^\s*([A-Z0-9_]+)\s*=\s*(.*)$/', $line, $m)) {
                $values[$m[1]] = trim($m[2], "\"'");
            }
        }
    }
    return $values;
}

function env(string $key, $default = null)
{
    $real = getenv($key);
    if ($real !== false) {
        return $real;
    }
    return dotenv()[$key] ?? $default;
}

function config_cache_file(): string
{
    return APP_BASE . '/bootstrap/cache/config.php';
}

function route_cache_file(): string
{
    return APP_BASE . '/bootstrap/cache/routes-v7.php';
}

function compiled_views_dir(): string
{
    return APP_BASE . '/storage/framework/views';
}

/** The configuration from config/*.php and .env, ignoring any cache. */
function fresh_config(): array
{
    $config = [];
    $files = glob(APP_BASE . '/config/*.php');
    sort($files);
    foreach ($files as $file) {
        $config[basename($file, '.php')] = require $file;
    }
    return $config;
}

function config(string $key, $default = null)
{
    static $config = null;
    if ($config === null) {
        $config = is_file(config_cache_file()) ? require config_cache_file() : fresh_config();
    }
    $value = $config;
    foreach (explode('.', $key) as $part) {
        if (!is_array($value) || !array_key_exists($part, $value)) {
            return $default;
        }
        $value = $value[$part];
    }
    return $value;
}

function routes(): array
{
    return is_file(route_cache_file()) ? require route_cache_file() : require APP_BASE . '/routes/web.php';
}

function view(string $name, array $data = []): string
{
    $compiled = compiled_views_dir() . '/' . sha1($name) . '.php';
    $file = is_file($compiled) ? $compiled : APP_BASE . '/resources/views/' . $name . '.php';
    extract($data);
    ob_start();
    require $file;
    return ob_get_clean();
}

function db(): PDO
{
    $c = config('database.connections.mysql');
    return new PDO(sprintf('mysql:host=%s;port=%s;dbname=%s', $c['host'], $c['port'], $c['database']),
        $c['username'], (string) $c['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
}

function app_log(string $level, string $message): void
{
    @mkdir(APP_BASE . '/storage/logs', 0775, true);
    file_put_contents(APP_BASE . '/storage/logs/laravel.log',
        '[' . gmdate('Y-m-d H:i:s') . '] production.' . $level . ': ' . $message . "\n", FILE_APPEND);
}

require APP_BASE . '/app/controllers.php';
