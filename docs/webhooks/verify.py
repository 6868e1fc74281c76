"""Checks a Buyer Protection webhook's BP-Signature header (Python 3, standard library only).

    from verify import verify
    ok = verify(request_body_bytes, request.headers["BP-Signature"], "whsec_...")

Or from a shell: python3 verify.py SECRET "HEADER" < body.json  (exit 0: genuine).
"""
import hashlib
import hmac
import sys
import time


def verify(body: bytes, header: str, secret: str, tolerance: int = 300) -> bool:
    """True when one v1 signature in the header is the HMAC-SHA256 of "t.body" with the
    secret, and t is within `tolerance` seconds of now (an old message replayed is refused)."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k == "t"]
    signatures = [v for k, v in parts if k == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or not signatures:
        return False
    if tolerance and abs(time.time() - int(stamps[0])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), stamps[0].encode() + b"." + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, s) for s in signatures)


if __name__ == "__main__":
    tolerance = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    sys.exit(0 if verify(sys.stdin.buffer.read(), sys.argv[2], sys.argv[1], tolerance) else 1)
