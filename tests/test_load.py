"""The load script at a small size against the shared running app (conftest.app_server): 3 sessions x 3 turns.

Checks what the full benchmark relies on (no timing assertions: the machine is shared): every turn succeeds,
every kind of turn runs, the JSON report holds the expected figures, and the server's memory is measured.
"""
import json

import pytest

pytestmark = pytest.mark.timeout(300)


def test_small_load_run(app_server, tmp_path):
    from mmdemo import load

    out = tmp_path / "load.json"
    code = load.main(["--url", app_server.url, "--pid", str(app_server.pid), "--sessions", "3", "--turns", "3",
                      "--think", "0.2,0.5", "--max-seconds", "120", "--seed", "1", "--json", str(out)])
    report = json.loads(out.read_text())
    assert report["errors"] == 0 and code == 0, report["error_samples"]
    assert report["turns_run"] == report["requests"] == 9 and report["turns_not_run"] == 0
    for key in ("timestamp", "config", "machine", "wall_s", "throughput_turns_per_s", "latency", "by_endpoint",
                "memory", "goals", "goals_met", "goal_notes"):
        assert key in report, key
    assert report["config"]["sessions"] == 3 and report["machine"]["cpus"] >= 1
    for kind in ("text", "text+image", "voice", "overall"):
        s = report["latency"][kind]
        assert s["n"] >= 1 and s["errors"] == 0, (kind, s)
        assert 0 < s["p50_ms"] <= s["p95_ms"] <= s["p99_ms"], (kind, s)
    assert report["throughput_turns_per_s"] > 0
    photos = report["by_image"]   # per photo: every text+image turn counted under its file's name
    assert sum(s["n"] for s in photos.values()) == report["latency"]["text+image"]["n"]
    assert all(name.endswith(".jpg") for name in photos), photos
    mem = report["memory"]
    assert mem["pid"] == app_server.pid
    for key in ("rss_start_mb", "rss_end_mb", "peak_rss_mb"):
        assert mem[key] and mem[key] > 50, mem            # the app holds its models: far above 50 MB
    assert mem["peak_rss_mb"] >= max(mem["rss_start_mb"], mem["rss_end_mb"]) - 1
    assert mem["growth_mb"] == pytest.approx(mem["rss_end_mb"] - mem["rss_start_mb"], abs=0.2)
    # a 9-turn run is too small to judge the goals: they say so instead of passing or failing
    assert set(report["goals_met"]) == {"16x25_zero_errors", "text+image_p95_ms", "memory_growth_mb_per_1000_turns"}
    assert all(v is None for v in report["goals_met"].values()), report["goal_notes"]


def test_plan_is_seeded_and_mixed():
    from mmdemo import load

    inputs = load.make_inputs(generate=False)
    a, b = load.plan(16, 25, inputs, seed=0), load.plan(16, 25, inputs, seed=0)
    assert a == b and a != load.plan(16, 25, inputs, seed=1)
    kinds = [t.kind for s in a for t in s]
    assert len(a) == 16 and all(len(s) == 25 for s in a)
    assert abs(kinds.count("text") / 400 - 0.45) < 0.01 and abs(kinds.count("voice") / 400 - 0.20) < 0.01
    assert {t.endpoint for s in a for t in s if t.kind == "voice"} == {"/chat", "/send_recording"}
    tiny = load.plan(1, 3, inputs, seed=5)
    assert sorted(t.kind for t in tiny[0]) == ["text", "text+image", "voice"]   # every kind, even at 3 turns


def test_goals_are_judged_only_at_their_size():
    from mmdemo import load

    def report(sessions, turns, errors, p95, growth, n):
        r = {"config": {"sessions": sessions, "turns_per_session": turns}, "errors": errors, "turns_not_run": 0,
             "latency": {"text+image": {"p95_ms": p95}},
             "memory": {"growth_mb": growth, "turns": n,
                        "growth_mb_per_1000_turns": growth * 1000 / n if n >= 1000 else None}}
        return load.judge(r)[0]

    assert report(16, 25, 0, 1500.0, 50.0, 400) == {"16x25_zero_errors": True, "text+image_p95_ms": True,
                                                    "memory_growth_mb_per_1000_turns": None}
    assert report(16, 63, 1, 2500.0, 250.0, 1008) == {"16x25_zero_errors": False, "text+image_p95_ms": False,
                                                      "memory_growth_mb_per_1000_turns": False}
    assert load.GOAL_TEXT_IMAGE_P95_MS == 2000.0 and load.GOAL_MEMORY_GROWTH_MB == 200.0


def test_run_is_bounded_in_time(app_server, tmp_path):
    from mmdemo import load

    report = load.run(app_server.url, sessions=2, turns=20, think=(0.5, 0.5), max_seconds=2.0, seed=2,
                      pid=app_server.pid, inputs=load.make_inputs(generate=False), progress=False)
    assert report["turns_not_run"] > 0 and report["errors"] == 0, report["error_samples"]
    assert report["turns_run"] + report["turns_not_run"] == 40
    assert report["goals_met"]["16x25_zero_errors"] is None


def test_clients_share_one_verifying_tls_context():
    """Every gradio_client the script makes gets the same ready TLS context (built once, not once per HTTP call)
    that still verifies certificates and host names as httpx's default does."""
    import ssl

    from mmdemo.load import client_kwargs

    a, b = client_kwargs(), client_kwargs()
    ctx = a["ssl_verify"]
    assert isinstance(ctx, ssl.SSLContext) and b["ssl_verify"] is ctx
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.cert_store_stats()["x509_ca"] > 0          # the CA bundle is loaded
    assert a["download_files"] is False and a["analytics_enabled"] is False
