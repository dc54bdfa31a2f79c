"""Start the multimodal support assistant: `python app.py` serves http://127.0.0.1:7860 (offline).

Options: --host / --port (or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT); MMDEMO_CONCURRENCY (default 2): requests
computed at once. The page is up in seconds; the models load and warm up in the background behind a badge that
turns "ready". MMDEMO_ALLOW_UNTRAINED=1 runs without trained checkpoints (random weights, development only).
"""
import argparse
import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"   # no telemetry or version check (offline)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives busy threads their own malloc arenas, and a threaded server's memory then keeps creeping up
    (load runs: +400 MB per 1,000 turns with the default, about half with 2 arenas). Same as MALLOC_ARENA_MAX."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)   # -8 = M_ARENA_MAX
    except (OSError, AttributeError):
        pass                                            # not glibc: nothing to do


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public link (needs the internet)")
    args = parser.parse_args()
    limit_malloc_arenas()

    from mmdemo.ui import build_demo, launch_kwargs, runtime

    rt = runtime().start()            # load + warm up in a background thread while the server starts
    demo = build_demo(rt)
    # Two CPU cores: at most two chat requests compute at once (16x25 load, measured before the load client's own
    # CPU was cut: p95 of photo turns 2.2 s with 2, 2.7 s with 4). MMDEMO_CONCURRENCY raises it on a bigger machine.
    demo.queue(default_concurrency_limit=int(os.environ.get("MMDEMO_CONCURRENCY", "2")))
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, **launch_kwargs())


if __name__ == "__main__":
    main()
