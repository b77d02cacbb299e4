"""Serve the app in a process of its own, as one gunicorn worker would: ``python -m tests.helpers.serve CONFIG_JSON``.

Prints the port it listens on (loopback, chosen by the system), then serves until killed. Used by tests that need
separate processes (each with its own memory) sharing one database.
"""
from __future__ import annotations

import json
import sys

from werkzeug.serving import make_server

from training import create_app


def main() -> None:
    app = create_app(json.loads(sys.argv[1]))
    server = make_server('127.0.0.1', 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
