"""Per-second figures of one httperf load, from its timestamped per-call lines.

Call n (experiments/httperf.py) was sent when `SS<n>:` arrived, answered
with the status on `RH<n>:HTTP/1.x <status>` and complete when `RS<n>:`
arrived. Second s of a load covers [t0 + s, t0 + s + 1) where t0 is when
the first request went out; the first `seconds` seconds are the offered
window ("full"), later ones hold the replies still in flight at its end.

Per second: requests sent, replies completed (2xx) and their reply times
(send to completion, as the harness saw the lines: within a millisecond
of httperf's own clock), and errors: requests sent in that second that
never got a complete 2xx reply. A connection that failed before its
request went out (refused, no port) has no call line: it counts only in
httperf's own error totals.
"""
import math
import re

CALL_LINE = re.compile(r"^(SS|RH|RS)(\d+):(.*)")
STATUS = re.compile(r"^HTTP/\d\.\d (\d{3})")


def calls(lines):
    """{call: {"sent": t, "status": int or None, "done": t or None}} from (t, line) pairs."""
    out = {}
    for t, line in lines:
        m = CALL_LINE.match(line)
        if not m:
            continue
        kind, n, rest = m.group(1), int(m.group(2)), m.group(3)
        c = out.setdefault(n, {"sent": None, "status": None, "done": None})
        if kind == "SS":
            c["sent"] = t
        elif kind == "RH" and c["status"] is None:
            st = STATUS.match(rest)
            if st:
                c["status"] = int(st.group(1))
        else:
            c["done"] = t
    return out


def _good(c):
    """Did call c complete with a 2xx reply?"""
    return c["done"] is not None and c["status"] is not None and 200 <= c["status"] < 300


def per_second(call_map, seconds):
    """One dict per second: t, full, sent, replies, errors, reply_ms_mean, reply_ms_max
    (None when no reply completed in it). Covers the offered window and every later
    second in which a call completed."""
    sent = [c["sent"] for c in call_map.values() if c["sent"] is not None]
    if not sent:
        return [{"t": s, "full": True, "sent": 0, "replies": 0, "errors": 0,
                 "reply_ms_mean": None, "reply_ms_max": None} for s in range(int(seconds))]
    t0 = min(sent)
    last = max([c["done"] for c in call_map.values() if c["done"] is not None] + sent)
    n = max(int(seconds), math.floor(last - t0) + 1)
    rows = [{"t": s, "full": s < seconds, "sent": 0, "replies": 0, "errors": 0, "_ms": []}
            for s in range(n)]
    for c in call_map.values():
        if c["sent"] is None:
            continue            # a reply line without its request line: httperf cut short
        rows[math.floor(c["sent"] - t0)]["sent"] += 1
        if _good(c):
            r = rows[math.floor(c["done"] - t0)]
            r["replies"] += 1
            r["_ms"].append((c["done"] - c["sent"]) * 1e3)
        else:
            rows[math.floor(c["sent"] - t0)]["errors"] += 1
    for r in rows:
        ms = r.pop("_ms")
        r["reply_ms_mean"] = round(sum(ms) / len(ms), 3) if ms else None
        r["reply_ms_max"] = round(max(ms), 3) if ms else None
    return rows


def sustained(totals, rows, rate, tolerance=0.02):
    """Did the sandbox keep up with rate? No httperf error, every connection answered, and
    over the offered window at least (1 - tolerance) * rate replies per second on average."""
    full = [r["replies"] for r in rows if r["full"]]
    return (totals.get("errors_total") == 0
            and totals.get("replies") == totals.get("connections")
            and bool(full) and sum(full) / len(full) >= (1 - tolerance) * rate)


def calls_csv(call_map, start):
    """The calls as CSV text (call, sent_s, status, done_s; seconds after start)."""
    def rel(t):
        return "" if t is None else f"{t - start:.6f}"
    rows = [f"{n},{rel(c['sent'])},{'' if c['status'] is None else c['status']},{rel(c['done'])}"
            for n, c in sorted(call_map.items())]
    return "call,sent_s,status,done_s\n" + "".join(r + "\n" for r in rows)
