<?php
// Checks a Buyer Protection webhook's BP-Signature header (PHP 7.4+, no extensions).
//
//   $ok = bp_verify(file_get_contents('php://input'), $_SERVER['HTTP_BP_SIGNATURE'], 'whsec_...');
//
// Or from a shell: php verify.php SECRET "HEADER" < body.json  (exit 0: genuine).

function bp_verify(string $body, string $header, string $secret, int $tolerance = 300): bool
{
    $stamps = [];
    $signatures = [];
    foreach (explode(',', $header) as $part) {
        $pair = explode('=', $part, 2);
        if (count($pair) !== 2) continue;
        if ($pair[0] === 't') $stamps[] = $pair[1];
        if ($pair[0] === 'v1') $signatures[] = $pair[1];
    }
    if (count($stamps) !== 1 || !ctype_digit($stamps[0]) || !$signatures) return false;
    if ($tolerance > 0 && abs(time() - (int)$stamps[0]) > $tolerance) return false;
    $expected = hash_hmac('sha256', $stamps[0] . '.' . $body, $secret);
    foreach ($signatures as $signature) {
        if (hash_equals($expected, $signature)) return true;
    }
    return false;
}

if (PHP_SAPI === 'cli' && isset($argv) && realpath($argv[0]) === __FILE__) {
    $tolerance = isset($argv[3]) ? (int)$argv[3] : 300;
    exit(bp_verify(stream_get_contents(STDIN), $argv[2], $argv[1], $tolerance) ? 0 : 1);
}
