"""The command line: `symphony serve [PATH]` serves a dashboard for a table."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from html import escape
from pathlib import Path

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symphony", description="Interactive interfaces for machine learning data."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", help="serve a dashboard for a table file, or for the built-in example"
    )
    serve.add_argument(
        "path",
        nargs="?",
        help="a Parquet, CSV or Feather table; "
        "the built-in handwritten digits example when left out",
    )
    serve.add_argument(
        "--id-column",
        default="id",
        help="the column of unique instance ids (default: id); "
        "'none' numbers the instances",
    )
    serve.add_argument(
        "--files", help="root folder of the instance files (default: the table's folder)"
    )
    serve.add_argument(
        "--lazy",
        action="store_true",
        help="open a Parquet table through dask even when it is under 1 GB",
    )
    serve.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="a dask.distributed scheduler (such as tcp://10.0.0.5:8786) that runs "
        "the passes over the table, which then opens through dask (implies --lazy); "
        "its workers must be able to read the table's path",
    )
    serve.add_argument("--port", type=int, default=5006, help="port (default: 5006)")
    serve.add_argument(
        "--address", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument(
        "--allow-websocket-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="another origin allowed to connect",
    )
    serve.add_argument("--show", action="store_true", help="open a browser tab")
    return parser


def _say(text: str) -> None:
    print(f"symphony: {text}", flush=True)


def _load(args: argparse.Namespace):
    """The Dataset to serve, with errors turned into a one-line message."""
    from .dataset import Dataset

    if args.path is None:
        from .examples import digits_dataset

        return digits_dataset(progress=_say), "Symphony · handwritten digits"
    path = Path(args.path)
    id_column = None if args.id_column.lower() == "none" else args.id_column
    files = args.files if args.files is not None else path.parent
    # a scheduler only has work to do on a lazy table
    lazy = True if args.lazy or args.scheduler else None
    dataset = Dataset(path, id_column=id_column, files=files, lazy=lazy)
    return dataset, f"Symphony · {path.name}"


def _connect(address: str):
    """A dask.distributed client of the scheduler at `address`, or None with a message."""
    from distributed import Client

    try:
        return Client(address, timeout=20)
    except (OSError, TimeoutError, ValueError) as error:
        _say(f"cannot reach the dask scheduler at {address}: {error}")
        return None


def serve(args: argparse.Namespace) -> int:
    """Serve the dashboard until interrupted; each browser session has its own state."""
    import panel as pn

    from .app import Symphony
    from .dataset import DatasetError

    client = None
    if args.scheduler:
        client = _connect(args.scheduler)
        if client is None:
            return 2
        _say(f"dask passes run on {args.scheduler}")
    try:
        dataset, title = _load(args)
    except DatasetError as error:
        _say(f"cannot serve: {error}")
        _say(
            "on the command line, --id-column COL names the id column and "
            "--id-column none numbers the instances"
        )
        return 2

    def session():
        try:
            return Symphony(dataset, title=title).template()
        except Exception as error:  # a broken page must say so, not show a traceback
            logging.getLogger("symphony.serve").exception("building a session failed")
            return pn.pane.Alert(
                f"The dashboard could not be built: {escape(str(error))}. "
                "The server log has the details.",
                alert_type="danger",
            )

    host = "localhost" if args.address in ("127.0.0.1", "0.0.0.0", "::") else args.address
    origins = [
        f"{host}:{args.port}",
        f"127.0.0.1:{args.port}",
        *args.allow_websocket_origin,
    ]
    engine = " (through dask)" if dataset.lazy else ""
    _say(f"{len(dataset):,} instances, {len(dataset.columns)} columns{engine}")
    _say(f"serving at http://{host}:{args.port}/  (Ctrl+C to stop)")
    pn.serve(
        {"/": session},
        port=args.port,
        address=args.address,
        show=args.show,
        websocket_origin=origins,
        title=title,
        print_url=False,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger("symphony").addHandler(handler)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
