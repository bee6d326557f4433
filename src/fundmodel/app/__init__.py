"""The simulator: a local web app (Shiny for Python) on the embedded data, for people who
do not write code. Every number it shows comes from the library's engine.

Start it with ``fundmodel app`` (or :func:`serve`); it needs the ``app`` extra
(``pip install 'fundmodel[app]'``). Modules: :mod:`~fundmodel.app.state` (the scenario
state, pot parsing, URL codec), :mod:`~fundmodel.app.compute` (the library calls),
:mod:`~fundmodel.app.outputs` (charts and downloads), :mod:`~fundmodel.app.tables`,
:mod:`~fundmodel.app.layout` (the page), :mod:`~fundmodel.app.server` and
:mod:`~fundmodel.app.panels` (the reactive parts).

>>> port = free_port()
>>> 1024 <= port <= 65535
True
"""

from __future__ import annotations

import socket
from typing import Any

from fundmodel.errors import FundmodelError

HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A TCP port nobody is listening on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def make_app() -> Any:
    """The Shiny app object (raises a clear error when Shiny is not installed)."""
    try:
        from shiny import App
    except ImportError:
        raise FundmodelError("the simulator needs Shiny for Python: "
                             "pip install 'fundmodel[app]'") from None
    from fundmodel.app.layout import page
    from fundmodel.app.server import server

    return App(page, server)


def serve(port: int | None = None, host: str = HOST, *, announce: bool = True) -> None:
    """Run the simulator on ``host`` (local only by default) and ``port`` (a free one if
    not given), printing the address; blocks until stopped (Ctrl+C)."""
    import matplotlib

    matplotlib.use("Agg")
    app = make_app()
    import uvicorn

    chosen = port if port is not None else free_port(host)
    if announce:
        print(f"fundmodel simulator: http://{host}:{chosen}/  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=host, port=chosen, log_level="warning")
