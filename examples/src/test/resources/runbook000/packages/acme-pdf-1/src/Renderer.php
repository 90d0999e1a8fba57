<?php

namespace Acme\Pdf;

/** acme/pdf 1.x: a static renderer. */
final class Renderer
{
    public static function render(string $title, string $body): string
    {
        return "%PDF-1.4\n% acme/pdf 1.0.0\n(" . $title . ")\n(" . $body . ")\n%%EOF\n";
    }
}
