#!/usr/bin/env python3
"""Envelopes for bench/monitoring.sh, from the captured sentry-java request (monitoring-service test resources).

For each size (the capture's ~5 KB event, and a ~25 KB one with a deep stack and breadcrumbs) it writes what
bench/monitoring-envelope.lua needs to send a gzip'd envelope with a new event id per request without compressing
anything at request time: the envelope cut at its two event ids (header and event), each piece deflated on its own
(full flush, so no piece refers back into another), their CRC-32s, and the operators that combine CRC-32s (zlib's
crc32_combine). Four variants differ in the in-app function that threw, so the events make four issues per size.
It also writes the framed envelope and the event alone as hex, for pgbench's reference inserts.

Usage: monitoring-envelopes.py CAPTURE OUTDIR
"""
import copy
import datetime
import gzip
import json
import os
import sys
import zlib

PLACEHOLDER = "0" * 32
POLY = 0xEDB88320


def multmodp(a, b):
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if a & (m - 1) == 0:
                return p
        m >>= 1
        b = (b >> 1) ^ POLY if b & 1 else b >> 1


X2N = [1 << 30]
for _ in range(31):
    X2N.append(multmodp(X2N[-1], X2N[-1]))


def x2nmodp(n, k):
    p = 1 << 31
    while n:
        if n & 1:
            p = multmodp(X2N[k & 31], p)
        n >>= 1
        k += 1
    return p


def combine(crc1, crc2, len2):
    return multmodp(x2nmodp(len2, 3), crc1) ^ crc2


def deflate(data, last):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def stored(data):
    return b"\x00" + len(data).to_bytes(2, "little") + (0xFFFF ^ len(data)).to_bytes(2, "little") + data


def capture(path):
    text = open(path, encoding="utf-8").read()
    body = text[text.index("\n", text.index("[wire bytes=")) + 1:]
    lines = body.split("\n")
    return json.loads(lines[0]), json.loads(lines[2])


def big(event):
    """A ~25 KB event: the same error thrown deeper (a Vert.x/RESTEasy stack) after a page of breadcrumbs."""
    event = copy.deepcopy(event)
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    deep = []
    for i in range(70):
        module = ["io.vertx.core.impl.ContextImpl", "io.quarkus.vertx.core.runtime.VertxCoreRecorder$14",
                  "org.jboss.resteasy.reactive.server.handlers.InvocationHandler", "io.netty.channel.AbstractChannelHandlerContext",
                  "io.smallrye.context.impl.wrappers.SlowContextualRunnable"][i % 5]
        deep.append({"filename": module.rsplit(".", 1)[-1].split("$")[0] + ".java", "function": ["handle", "run", "invokeChannelRead",
                     "emit", "dispatch"][i % 5], "module": module, "lineno": 100 + i, "native": False})
    event["exception"]["values"][0]["stacktrace"]["frames"] = deep + frames
    crumbs = []
    while len(json.dumps(dict(event, breadcrumbs={"values": crumbs}), separators=(",", ":"))) < 25_000:
        n = len(crumbs)
        crumbs.append({"timestamp": "2026-11-23T21:49:%02d.%03dZ" % (n % 60, n), "category": ["http", "query", "demo.Main"][n % 3],
                       "level": "info", "message": "GET /orders/%d took %d ms, customer %d" % (n, 3 + n % 17, 1000 + n),
                       "data": {"status_code": 200, "thread": "executor-thread-%d" % (n % 8)}})
    event["breadcrumbs"] = {"values": crumbs}
    return event


def write(out, name, header, event):
    os.makedirs(out, exist_ok=True)
    header = dict(header, event_id=PLACEHOLDER, sent_at=datetime.datetime.utcnow().isoformat(timespec="milliseconds") + "Z")
    variants = []
    for k in range(4):
        e = copy.deepcopy(event)
        e["event_id"] = PLACEHOLDER
        e["timestamp"] = datetime.datetime.utcnow().isoformat(timespec="milliseconds") + "Z"
        thrown = e["exception"]["values"][0]
        thrown["stacktrace"]["frames"][-1]["function"] = "place" + "ABCD"[k]
        thrown["value"] = 'Cannot invoke "String.length()" because "id%d" is null' % k
        payload = json.dumps(e, separators=(",", ":")).encode()
        item = json.dumps({"content_type": "application/json", "type": "event", "length": len(payload)}, separators=(",", ":")).encode()
        envelope = json.dumps(header, separators=(",", ":")).encode() + b"\n" + item + b"\n" + payload
        a, rest = envelope.split(PLACEHOLDER.encode(), 1)
        b, c = rest.split(PLACEHOLDER.encode(), 1)
        variants.append((envelope, a, b, c, payload))
    a, c = variants[0][1], variants[0][3]
    assert all(v[1] == a and v[3] == c for v in variants), "the variants differ only between the two ids"
    files = {"a": deflate(a, False), "c": deflate(c, True)}
    for k, v in enumerate(variants):
        files["b%d" % k] = deflate(v[2], False)
    for part, data in files.items():
        open(os.path.join(out, "%s.%s" % (name, part)), "wb").write(data)
    # Check the assembly bench/monitoring-envelope.lua does, here in Python, with one id.
    probe = "0123456789abcdef0123456789abcdef".encode()
    for k, v in enumerate(variants):
        crc = zlib.crc32(a)
        for part in (probe, v[2], probe, c):
            crc = combine(crc, zlib.crc32(part), len(part))
        size = len(a) + len(v[2]) + len(c) + 64
        body = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + files["a"] + stored(probe) + files["b%d" % k] + stored(probe) + files["c"]
                + crc.to_bytes(4, "little") + size.to_bytes(4, "little"))
        assert gzip.decompress(body) == v[0].replace(PLACEHOLDER.encode(), probe), "assembled gzip does not decode"
    with open(os.path.join(out, name + ".lua"), "w") as params:
        params.write("return {crc_a = %d, len_a = %d, crc_c = %d, len_c = %d, op_id = %d, op_c = %d, variants = {\n"
                     % (zlib.crc32(a), len(a), zlib.crc32(c), len(c), x2nmodp(32, 3), x2nmodp(len(c), 3)))
        for k, v in enumerate(variants):
            params.write("  {crc = %d, len = %d, op = %d},\n" % (zlib.crc32(v[2]), len(v[2]), x2nmodp(len(v[2]), 3)))
        params.write("}}\n")
    framed = variants[0][0].replace(PLACEHOLDER.encode(), probe)
    open(os.path.join(out, name + ".envelope.hex"), "w").write(framed.hex())
    open(os.path.join(out, name + ".event.json"), "wb").write(variants[0][4].replace(PLACEHOLDER.encode(), probe))
    wire = len(gzip.compress(framed))
    print("%s: event %d bytes, envelope %d bytes, %d gzip'd" % (name, len(variants[0][4]), len(framed), wire))


def main():
    header, event = capture(sys.argv[1])
    write(sys.argv[2], "small", header, event)
    write(sys.argv[2], "large", header, big(event))


if __name__ == "__main__":
    main()
