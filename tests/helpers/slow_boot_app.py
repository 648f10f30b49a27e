"""A WSGI app that takes seconds to load, as the portal does on a busy machine, and says
which worker process answered. Each worker that starts loading it leaves a file named
for its process id in SLOW_BOOT_FOLDER."""

import os
import time
from pathlib import Path

(Path(os.environ["SLOW_BOOT_FOLDER"]) / str(os.getpid())).touch()
time.sleep(float(os.environ.get("SLOW_BOOT_SECONDS", "3")))


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
