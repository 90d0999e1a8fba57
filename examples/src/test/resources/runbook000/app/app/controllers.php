<?php

function deal_form(): string
{
    return view('deal-form', ['app' => config('app.name'), 'version' => config('app.version')]);
}

function deal_pdf(string $id): string
{
    $q = db()->prepare('SELECT title, amount FROM deals WHERE id = ?');
    $q->execute([(int) $id]);
    $deal = $q->fetch(PDO::FETCH_ASSOC);
    if (!$deal) {
        http_response_code(404);
        return "no deal $id\n";
    }
    header('Content-Type: application/pdf');
    return \Acme\Pdf\Renderer::render('Deal #' . $id, $deal['title'] . ': ' . $deal['amount']);
}

function zoho_status(): string
{
    header('Content-Type: application/json');
    return json_encode(['zoho' => config('services.zoho.token') ? 'connected' : 'no token',
        'api' => config('services.zoho.api')]) . "\n";
}

function health(): string
{
    header('Content-Type: application/json');
    $deals = (int) db()->query('SELECT COUNT(*) FROM deals')->fetchColumn();
    return json_encode(['status' => 'ok', 'version' => config('app.version'), 'deals' => $deals]) . "\n";
}
