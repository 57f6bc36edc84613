"""HTTP requests to the sandboxes, through their loopback forwards only.

Every host-side client of a guest (these requests, httperf) goes to
127.0.0.1: the forwards are bound there, and a load generator pointed
anywhere else would be loading someone else's machine.
"""
import http.client
import time

LOOPBACK = "127.0.0.1"


def require_loopback(host):
    """host if it is 127.0.0.1; ValueError otherwise (no load on other machines)."""
    if host != LOOPBACK:
        raise ValueError(f"refusing {host!r}: guest traffic goes to {LOOPBACK} only")
    return host


def get(port, path="/", timeout=10.0, host=LOOPBACK):
    """GET path from 127.0.0.1:port: (HTTP status, body bytes, milliseconds).

    Raises OSError (refused, reset, timed out) or http.client.HTTPException."""
    conn = http.client.HTTPConnection(require_loopback(host), port, timeout=timeout)
    t0 = time.monotonic()
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, (time.monotonic() - t0) * 1e3
    finally:
        conn.close()
