"""Start the multimodal support assistant: `python app.py` serves http://127.0.0.1:7860 (offline).

Options: --host / --port (or GRADIO_SERVER_NAME / GRADIO_SERVER_PORT). The page is up in seconds; the models
load and warm up in the background behind a badge that turns "ready". MMDEMO_ALLOW_UNTRAINED=1 runs without
trained checkpoints (random weights, development only).
"""
import argparse
import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"   # no telemetry or version check (offline)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))
    parser.add_argument("--share", action="store_true", help="ask Gradio for a public link (needs the internet)")
    args = parser.parse_args()

    from mmdemo.ui import build_demo, launch_kwargs, runtime

    rt = runtime().start()            # load + warm up in a background thread while the server starts
    demo = build_demo(rt)
    demo.queue(default_concurrency_limit=2)   # two CPU cores: at most two requests compute at once
    demo.launch(server_name=args.host, server_port=args.port, share=args.share, **launch_kwargs())


if __name__ == "__main__":
    main()
