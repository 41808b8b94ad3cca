"""A separate hub process that runs outbound passes, for the tests of several hubs sharing one queue.

It builds its container from the same settings as the test's hub, as a second ``ggk serve``
on another machine would.
"""

from __future__ import annotations

import time
from pathlib import Path


def run_passes(data_dir: str, flags: dict, passes: int, pause: float) -> None:
    from adapters.soap.wiring import build_digikoppeling
    from config.container import build_container
    from config.settings import load_settings

    parsed = {tuple(key.split(".", 1)): value for key, value in flags.items()}
    worker = build_digikoppeling(build_container(load_settings(Path(data_dir), flags=parsed, environ={}))).worker
    for _ in range(passes):
        worker.run_once()
        time.sleep(pause)
