<?php

namespace Acme\Pdf;

/** acme/pdf 2.x: an instance per driver; the static render() of 1.x is gone. */
final class Renderer
{
    public function __construct(private string $driver)
    {
    }

    public function document(string $title, string $body): string
    {
        return "%PDF-1.7\n% acme/pdf 2.0.0 (" . $this->driver . ")\n(" . $title . ")\n(" . $body . ")\n%%EOF\n";
    }
}
