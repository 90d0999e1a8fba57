<?php

return [
    'driver' => env('PDF_DRIVER', 'basic'),
];
