"""Start the moto AWS emulator for archaudit's tests, on loopback only.

Usage: python tests/moto/server.py [PORT]

Prints `READY http://127.0.0.1:<port>` on stdout once the server accepts
requests, then serves until its standard input is closed (so a test process
that dies takes the emulator with it) or it receives SIGTERM/SIGINT.

It also corrects one known defect of moto 5.2.5 that the AWS SDK for Rust
cannot tolerate (see docs/emulator.md): S3 GetBucketVersioning answers with
the root element <GetBucketVersioningResponse> instead of
<VersioningConfiguration>.  The fix is made in moto's service model, exactly
the way moto fixes the same problem for its other S3 operations, so the
collector is tested against the response shape real AWS sends.
"""

import os
import signal
import sys
import threading

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import logging  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)

from moto.core import loaders  # noqa: E402

_RESULT_WRAPPERS = {("s3", "GetBucketVersioning"): "VersioningConfiguration"}

_original_load_service_model = loaders.Loader.load_service_model


def _load_service_model(self, service_name, type_name, api_version=None):
    model = _original_load_service_model(self, service_name, type_name, api_version)
    if type_name == "service-2":
        for (service, operation), wrapper in _RESULT_WRAPPERS.items():
            if service_name == service and operation in model.get("operations", {}):
                output = model["operations"][operation].setdefault("output", {})
                output["resultWrapper"] = wrapper
    return model


loaders.Loader.load_service_model = _load_service_model

from moto.moto_server.threaded_moto_server import ThreadedMotoServer  # noqa: E402


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    print(f"READY http://{host}:{bound}", flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    def watch_stdin() -> None:
        try:
            while sys.stdin.read(4096):
                pass
        except Exception:  # noqa: BLE001 - any failure means the parent is gone
            pass
        done.set()

    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    done.wait()
    server.stop()


if __name__ == "__main__":
    main()
