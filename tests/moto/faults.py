"""A fault-injecting HTTP proxy in front of the moto emulator, for archaudit's gap tests.

Usage: python tests/moto/faults.py UPSTREAM RULE [RULE ...]

Each RULE is `MATCH=EFFECT[@PROBABILITY]` (MATCH may itself contain `=`; an empty MATCH
matches every request). A request whose method, path, query, body, X-Amz-Target header or
credential scope (`<date>/<region>/<service>/aws4_request`, so `/eu-west-1/ec2/` names one
region's EC2 calls) contains MATCH gets the first matching rule's EFFECT, with the given
probability (default 1):

- `PROTOCOL:CODE:STATUS`: answered with an AWS-shaped error of that protocol (`s3`, `ec2`,
  `query`, `json`) instead of being forwarded;
- `delay:SECONDS`: forwarded after SECONDS (a slow network, or a call held in flight);
- `hang`: accepted and never answered (a black hole);
- `throttle` / `5xx`: the throttling / internal error each service's protocol uses
  (EC2 `RequestLimitExceeded` 503, JSON `ThrottlingException` 400, query `Throttling` 400,
  S3 `SlowDown` 503; 500 `InternalError` for `5xx`), so one rule covers every service.

Everything else goes to UPSTREAM unchanged. Each rule that fires appends its MATCH as one
line to the file named by `FAULTS_LOG`, if set; `FAULTS_SEED` seeds the coin. Listens on
127.0.0.1 on a free port, prints `READY http://127.0.0.1:<port>`, and exits when its standard
input closes. Both addresses must be loopback.
"""

import http.server
import ipaddress
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

BODIES = {
    "s3": '<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>injected {code}</Message><RequestId>fault</RequestId></Error>',
    "ec2": '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code><Message>injected {code}</Message></Error></Errors><RequestID>fault</RequestID></Response>',
    "query": '<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>injected {code}</Message></Error><RequestId>fault</RequestId></ErrorResponse>',
    "json": '{{"__type": "{code}", "message": "injected {code}"}}',
}


def native(kind, headers, body):
    """The (protocol, code, status) of a throttle or a server error in the request's protocol."""
    scope = headers.get("Authorization", "").split("Credential=")[-1].split("/")
    service = scope[3] if len(scope) > 3 else ""
    throttle = kind == "throttle"
    if headers.get("X-Amz-Target"):
        return ("json", "ThrottlingException", 400) if throttle else ("json", "InternalFailure", 500)
    if b"Action=" in body:
        if service == "ec2":
            return ("ec2", "RequestLimitExceeded", 503) if throttle else ("ec2", "InternalError", 500)
        return ("query", "Throttling", 400) if throttle else ("query", "InternalFailure", 500)
    return ("s3", "SlowDown", 503) if throttle else ("s3", "InternalError", 500)


def parse_rules(args):
    rules = []
    for arg in args:
        match, spec = arg.rsplit("=", 1)
        spec, _, p = spec.partition("@")
        probability = float(p) if p else 1.0
        parts = spec.split(":")
        if parts[0] == "delay" and len(parts) == 2:
            effect = ("delay", float(parts[1]))
        elif parts in (["hang"], ["throttle"], ["5xx"]):
            effect = (parts[0], None)
        elif len(parts) == 3 and parts[0] in BODIES:
            effect = ("error", (parts[0], parts[1], int(parts[2])))
        else:
            raise SystemExit(f"bad rule {arg!r}: see the usage at the top of {sys.argv[0]}")
        rules.append((match, effect, probability))
    return rules


def main():
    upstream = sys.argv[1].rstrip("/")
    host = urllib.parse.urlparse(upstream).hostname
    if host is None or not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"refusing to forward to {upstream}: not a loopback address")
    rules = parse_rules(sys.argv[2:])
    hits = {}
    lock = threading.Lock()
    rng = random.Random(os.environ.get("FAULTS_SEED", "archaudit"))
    log = os.environ.get("FAULTS_LOG")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            # The credential scope (`<date>/<region>/<service>/aws4_request`) lets a rule
            # target one region's calls.
            scope = self.headers.get("Authorization", "").split("Credential=")[-1].split(",")[0]
            scope = "/".join(scope.split("/")[1:])
            haystack = " ".join([self.command, self.path, body.decode("utf-8", "replace"), self.headers.get("X-Amz-Target", ""), scope])
            for match, (kind, arg), probability in rules:
                if match not in haystack:
                    continue
                with lock:
                    fire = rng.random() < probability
                    if fire:
                        hits[match] = hits.get(match, 0) + 1
                        if log:
                            with open(log, "a") as f:
                                f.write(match + "\n")
                if not fire:
                    continue
                if kind == "hang":
                    time.sleep(3600)
                    return
                if kind == "delay":
                    time.sleep(arg)
                    break
                protocol, code, status = arg if kind == "error" else native(kind, self.headers, body)
                payload = BODIES[protocol].format(code=code).encode()
                self.send_response(status)
                ctype = "application/x-amz-json-1.1" if protocol == "json" else "text/xml"
                self.send_header("Content-Type", ctype)
                if protocol == "json":
                    self.send_header("x-amzn-ErrorType", code)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
            req = urllib.request.Request(upstream + self.path, data=body if body else None, method=self.command, headers=headers)
            try:
                resp = urllib.request.urlopen(req)
                status, rheaders, payload = resp.status, resp.headers, resp.read()
            except urllib.error.HTTPError as e:
                status, rheaders, payload = e.code, e.headers, e.read()
            self.send_response(status)
            for k, v in rheaders.items():
                if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        while sys.stdin.read(4096):
            pass
    except Exception:  # noqa: BLE001 - the parent is gone either way
        pass
    server.shutdown()


if __name__ == "__main__":
    main()
