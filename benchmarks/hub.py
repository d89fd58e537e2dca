"""Sizing a JupyterHub for dxkit: start-up time and memory per active learner.

    .venv/bin/python benchmarks/hub.py [--learners 4] [--lesson courses/05_data_analysis/01_load_and_clean.ipynb]

Starts a throwaway JupyterHub on 127.0.0.1 (deploy/local-hub: shared-password authenticator,
SimpleLocalProcessSpawner, temporary home folders), then for each learner starts their server,
opens the lesson in a kernel and runs every code cell, as a learner working through it would.

Prints:
- the time from launching the hub to the first learner's first executed cell (cold start), and its parts;
- memory (PSS where the kernel reports it, else RSS) of the hub + proxy, of each learner's
  single-user server and of each learner's kernel with the lesson loaded;
- a sizing line: memory per active learner (server + kernel) and what N learners need.

Needs jupyterhub and configurable-http-proxy (make setup-test installs both where it can).
Linux only (it reads /proc). Results also go to benchmarks/results/hub.json (git-ignored).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _hubctl():
    spec = importlib.util.spec_from_file_location("dxkit_hubctl", ROOT / "deploy" / "local-hub" / "hubctl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_cells(ws_url: str, token: str, cells: list[str], timeout: float = 120) -> list[float]:
    """Execute cells one by one over the kernel's websocket; returns each cell's wall time."""
    from tornado import httpclient, websocket
    from tornado.ioloop import IOLoop

    async def go():
        req = httpclient.HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}, request_timeout=timeout)
        conn = await websocket.websocket_connect(req)
        session = uuid.uuid4().hex
        times = []
        try:
            for code in cells:
                msg_id = uuid.uuid4().hex
                t0 = time.monotonic()
                conn.write_message(json.dumps({
                    "header": {"msg_id": msg_id, "username": "bench", "session": session,
                               "msg_type": "execute_request", "version": "5.3", "date": ""},
                    "parent_header": {}, "metadata": {}, "channel": "shell",
                    "content": {"code": code, "silent": False, "store_history": True,
                                "user_expressions": {}, "allow_stdin": False, "stop_on_error": False},
                }))
                while True:
                    raw = await conn.read_message()
                    if raw is None:
                        raise RuntimeError("kernel websocket closed")
                    if isinstance(raw, bytes):
                        continue
                    m = json.loads(raw)
                    if m.get("msg_type") == "execute_reply" and m["parent_header"].get("msg_id") == msg_id:
                        break
                    if time.monotonic() - t0 > timeout:
                        raise TimeoutError("cell did not finish")
                times.append(time.monotonic() - t0)
        finally:
            conn.close()
        return times

    return IOLoop.current().run_sync(go, timeout=timeout * max(1, len(cells)))


def memory_mib(pid: int) -> float:
    """PSS (shared libraries split between the processes that map them) or RSS, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def classify(pid: int) -> tuple[str, str]:
    """(user or '', 'kernel' | 'server' | 'proxy' | 'hub' | 'other')."""
    try:
        env = dict(kv.split("=", 1) for kv in Path(f"/proc/{pid}/environ").read_text(errors="replace").split("\0")
                   if "=" in kv)
        cmd = Path(f"/proc/{pid}/cmdline").read_text(errors="replace").replace("\0", " ")
    except OSError:
        return "", "other"
    user = env.get("JUPYTERHUB_USER", "")
    if "ipykernel" in cmd:
        return user, "kernel"
    if "jupyterhub-singleuser" in cmd:
        return user, "server"
    if "configurable-http-proxy" in cmd:
        return "", "proxy"
    if "jupyterhub" in cmd:
        return "", "hub"
    return user, "other"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=4)
    ap.add_argument("--lesson", default="courses/05_data_analysis/01_load_and_clean.ipynb")
    args = ap.parse_args(argv)
    hubctl = _hubctl()
    why = hubctl.missing_requirements()
    if why:
        print(f"計測できません: {why}")
        return 1
    import nbformat
    import requests

    lesson = ROOT / args.lesson
    cells = [c.source for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code" and c.source.strip()]
    learners = tuple(f"learner{i + 1}" for i in range(args.learners))
    out: dict = {"lesson": args.lesson, "learners": args.learners, "cells": len(cells)}
    with tempfile.TemporaryDirectory(prefix="dxkit-hub-bench-") as tmp:
        hub = hubctl.LocalHub(tmp, learners=learners)
        try:
            t_launch = time.monotonic()
            out["hub_start_s"] = hub.start(timeout=90)
            per_learner = []
            for i, user in enumerate(learners):
                dest = hub.home(user) / "courses"
                shutil.copytree(ROOT / "courses", dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
                t0 = time.monotonic()
                spawn = hub.spawn(user, timeout=120)
                s = hub.session(user)
                rel = str(Path("courses") / lesson.relative_to(ROOT / "courses"))
                r = s.post(hub.user_url(user, "api/sessions"), timeout=60,
                           json={"path": rel, "type": "notebook", "name": lesson.name, "kernel": {"name": "python3"}})
                r.raise_for_status()
                kernel_id = r.json()["kernel"]["id"]
                ws = hub.user_url(user, f"api/kernels/{kernel_id}/channels").replace("http://", "ws://")
                first = run_cells(ws, hub.token(user), cells[:1])[0]
                t_first = time.monotonic()
                rest = run_cells(ws, hub.token(user), cells[1:])
                per_learner.append({"user": user, "spawn_s": spawn, "first_cell_s": first,
                                    "to_first_cell_s": t_first - t0, "lesson_s": first + sum(rest)})
                if i == 0:
                    out["hub_launch_to_first_cell_s"] = t_first - t_launch
            time.sleep(1.0)
            procs = {"hub": 0.0, "proxy": 0.0, "other": 0.0}
            servers, kernels = {}, {}
            for pid in hubctl.marked_pids(hub.marker) + ([hub.proc.pid] if hub.proc else []):
                user, kind = classify(pid)
                mib = memory_mib(pid)
                if kind == "server":
                    servers[user] = servers.get(user, 0.0) + mib
                elif kind == "kernel":
                    kernels[user] = kernels.get(user, 0.0) + mib
                else:
                    procs[kind] = procs.get(kind, 0.0) + mib
            out.update(per_learner=per_learner, servers_mib=servers, kernels_mib=kernels, base_mib=procs)
            requests.Session().close()
        finally:
            hub.stop()
            left = hub.leftovers()
    if left:
        print(f"警告: 止まらなかったプロセスがあります: {left}")

    srv = list(out["servers_mib"].values())
    ker = list(out["kernels_mib"].values())
    per = (sum(srv) / len(srv) if srv else 0) + (sum(ker) / len(ker) if ker else 0)
    base = out["base_mib"]["hub"] + out["base_mib"]["proxy"]
    out["per_active_learner_mib"] = per
    print(f"レッスン: {args.lesson}（コードセル {len(cells)} 個）、学習者 {args.learners} 人")
    print(f"ハブの起動（プロキシ込み、応答まで）:        {out['hub_start_s']:6.1f} 秒")
    for p in out["per_learner"]:
        print(f"  {p['user']}: サーバー起動 {p['spawn_s']:5.1f} 秒、最初のセルまで {p['to_first_cell_s']:5.1f} 秒"
              f"（そのセル {p['first_cell_s']:.1f} 秒）、レッスン全体 {p['lesson_s']:5.1f} 秒")
    print(f"ハブ起動から最初の学習者の最初のセルの実行完了まで: {out['hub_launch_to_first_cell_s']:6.1f} 秒")
    print(f"メモリ（PSS）: ハブ {out['base_mib']['hub']:.0f} MiB、プロキシ {out['base_mib']['proxy']:.0f} MiB")
    for user in sorted(out["servers_mib"]):
        print(f"  {user}: サーバー {out['servers_mib'][user]:.0f} MiB、カーネル（レッスン読み込み済み）"
              f" {out['kernels_mib'].get(user, 0):.0f} MiB")
    print(f"学習者 1 人あたり（サーバー＋カーネル 1 つ）: {per:.0f} MiB")
    for n in (20, 40, 100):
        print(f"  同時に {n} 人: 約 {(base + n * per) / 1024:.1f} GiB（ハブとプロキシ込み、余裕は別）")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "hub.json").write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
