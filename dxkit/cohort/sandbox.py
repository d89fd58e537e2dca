"""提出されたノートブックを、ほかの提出から切り離した箱の中で実行するための Jupyter カーネルです。

Linux では提出ごとに bubblewrap（``bwrap``）の箱を 1 つ作ります。

- 箱ごとに自分のユーザー名前空間と PID 名前空間（``--unshare-user --unshare-pid``）を持ちます。Linux は
  プロセス数の制限（RLIMIT_NPROC）をユーザー名前空間ごとに数えるので、ある提出がプロセスを作り続けても、
  ほかの提出のカーネルには影響しません（この仕組みは ``tests/test_cohort_sandbox.py`` で確かめています）。
  root で採点するときは、箱を作ったあと箱の中で uid 65534（nobody）に切り替え、``unshare --user`` で
  ユーザー名前空間に入ります（root にはプロセス数の制限が効かないため）。
- ネットワークなし。見えるのは Python の本体・仮想環境・dxkit（読み取り専用）と、接続用フォルダーだけです。
  提出のファイルは読み取り専用で渡し、箱の中の大きさの決まった作業フォルダー（tmpfs）に写して使います。
  ``/tmp`` も大きさの決まった tmpfs です。配布元のノートブック、成績簿、ほかの学習者のファイルは見えません。
- 制限（``Limits``）: アドレス空間 2 GiB、プロセス 64、セルごとの CPU 時間、ファイルの大きさ、開けるファイル数。
  制限は ``kernel_launcher`` が箱の中で設定します（``prlimit`` は使いません）。
- cgroup は使いません（cgroup v1 で書き込める pids コントローラーが無い環境でも動くように）。

限界: 隠しテストは学習者のカーネルの中で実行されるので、学習者のコードがテストの関数や変数を書き換える
ことは防げません（採点後のノートブックを講師が確認できるように残します）。箱を作れない環境（Windows、macOS、
bubblewrap の無い Linux）では採点を中止します（``--unsafe-no-sandbox`` を付けたときだけ、隔離せずに採点し、
すべての出力に警告を載せます）。
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import Any as AnyTrait

NOBODY = 65534
SETUP_LINE = "apt-get install -y bubblewrap"
BOX_INPUT = "/srv/submission"       # the submission's files, read-only, inside the box
BOX_WORK = "/home/learner/work"     # the size-limited working copy the kernel runs in
UNSAFE_BANNER = ("！！ 隔離せずに採点しました（--unsafe-no-sandbox）。学習者のコードは、採点したコンピューターの"
                 "ファイルやネットワークにアクセスできました。信頼できる提出だけに使ってください ！！")


@dataclass
class Limits:
    """カーネル 1 つ（提出 1 冊）にかける制限です。"""

    cpu_seconds: int = 120               # per cell
    cpu_total_seconds: int = 900         # the whole notebook
    memory_bytes: int = 2 * 2**30
    processes: int = 64
    file_bytes: int = 256 * 2**20
    open_files: int = 512
    tmp_bytes: int = 256 * 2**20         # the box's /tmp
    work_bytes: int = 128 * 2**20        # the box's working copy


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


COMMON = ["--unshare-pid", "--unshare-ipc", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
          "--die-with-parent", "--new-session"]


def namespace_args() -> list[str]:
    if _is_root():   # bwrap as root can bind what only root may read; the user namespace comes inside
        return COMMON
    return ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY), *COMMON]


def _drop_to_nobody() -> list[str]:
    """As root, inside the box: become uid 65534 in a user namespace of its own (root ignores RLIMIT_NPROC,
    and RLIMIT_NPROC counts per user namespace, so each box gets its own process count)."""
    if not _is_root():
        return []
    return [shutil.which("setpriv") or "/usr/bin/setpriv", "--reuid", str(NOBODY), "--regid", str(NOBODY),
            "--clear-groups", "--no-new-privs", "--bounding-set", "-all", "--inh-caps", "-all", "--",
            shutil.which("unshare") or "/usr/bin/unshare", "--user", "--"]


def _package_paths() -> list[Path]:
    """Folders of dxkit (and its data sets) that lie outside the Python installation (editable installs)."""
    import importlib.util

    paths = []
    for name in ("dxkit", "dxkit.datasets"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec and spec.submodule_search_locations:
            paths += [Path(p) for p in spec.submodule_search_locations]
    return paths


def readonly_paths() -> list[Path]:
    """箱の中に読み取り専用で見せるフォルダーです。"""
    prefixes = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.exec_prefix).resolve(),
                Path(sys.prefix)}
    paths = sorted(prefixes)
    for p in _package_paths():
        p = p.resolve()
        if not any(p == q or q in p.parents for q in prefixes):
            paths.append(p)
    return [p for p in dict.fromkeys(paths) if p.exists()]


def _dirs_with_perms(path: Path, made: set[Path]) -> list[str]:
    """Create the parents of a bind target as 0755 folders (bwrap makes them 0700 otherwise)."""
    args = []
    for parent in reversed(path.parents):
        if parent == Path("/") or parent in made or parent in (Path("/usr"), Path("/tmp")):
            continue
        made.add(parent)
        args += ["--perms", "0755", "--dir", str(parent)]
    return args


@dataclass
class Sandbox:
    """カーネルを起動するコマンドを組み立てます（``isolate=False`` は --unsafe-no-sandbox のときだけ）。"""

    limits: Limits = field(default_factory=Limits)
    isolate: bool = True

    def env(self, workdir: Path) -> dict[str, str]:
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": "/tmp" if self.isolate else str(workdir), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/mpl" if self.isolate else str(workdir / ".mpl"),
            "DXKIT_HOME": "/tmp/dxkit-home" if self.isolate else str(workdir / ".dxkit"),
            "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }

    def launcher(self, copy: bool) -> list[str]:
        settings = {"limits": asdict(self.limits), "copy": [BOX_INPUT, BOX_WORK] if copy else None}
        return [sys.executable, "-m", "dxkit.cohort.kernel_launcher", json.dumps(settings)]

    def box(self, workdir: Path, sockdir: Path) -> list[str]:
        """The bubblewrap part of the command (everything before the program run inside the box)."""
        lim = self.limits
        args = [shutil.which("bwrap") or "bwrap", *namespace_args(), "--clearenv"]
        for key, value in self.env(workdir).items():
            args += ["--setenv", key, value]
        args += ["--ro-bind", "/usr", "/usr"]
        for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
            p = Path(top)
            if p.is_symlink():
                args += ["--symlink", os.readlink(p), top]
            elif p.is_dir():
                args += ["--ro-bind", top, top]
        for etc in ("/etc/ld.so.cache", "/etc/fonts", "/etc/localtime", "/etc/alternatives"):
            if os.path.exists(etc):
                args += ["--ro-bind", etc, etc]
        args += ["--proc", "/proc", "--dev", "/dev",
                 "--perms", "1777", "--size", str(lim.tmp_bytes), "--tmpfs", "/tmp",
                 "--perms", "0755", "--dir", "/home", "--perms", "0755", "--dir", "/home/learner",
                 "--perms", "1777", "--size", str(lim.work_bytes), "--tmpfs", BOX_WORK]
        made: set[Path] = set()
        for p in readonly_paths():
            args += _dirs_with_perms(p, made) + ["--ro-bind", str(p), str(p)]
        args += _dirs_with_perms(Path(BOX_INPUT), made) + ["--ro-bind", str(workdir), BOX_INPUT]
        args += _dirs_with_perms(sockdir, made) + ["--bind", str(sockdir), str(sockdir)]
        return args + ["--chdir", BOX_WORK, "--", *_drop_to_nobody()]

    def argv(self, workdir: Path, sockdir: Path) -> list[str]:
        """``{connection_file}`` を含むカーネルの起動コマンドです。"""
        tail = ["-f", "{connection_file}"]
        if not self.isolate:
            return self.launcher(copy=False) + tail
        return self.box(workdir, sockdir) + self.launcher(copy=True) + tail

    def prepare(self, workdir: Path) -> Path:
        """接続用フォルダーを用意して返します（root のときは箱の中の uid 65534 が書けるようにします）。"""
        sockdir = Path(tempfile.mkdtemp(prefix="dxkit-kernel-"))
        if self.isolate and _is_root():
            os.chown(sockdir, NOBODY, NOBODY)
        return sockdir


PROBE = ("import os, resource, ipykernel; "
         "assert resource.getrlimit(resource.RLIMIT_NPROC)[0] <= 64; "
         "assert os.listdir({work!r}) == ['probe.txt']; print('dxkit-sandbox-ok')")


@lru_cache(maxsize=1)
def bwrap_status() -> tuple[bool, str]:
    """本番と同じ起動コマンドで箱を作れるかを確かめ、(使えるか, 理由) を返します。"""
    if not sys.platform.startswith("linux"):
        return False, "Linux 以外（Windows・macOS）では、提出を隔離する箱（bubblewrap）を作れません。"
    if not shutil.which("bwrap"):
        return False, f"bubblewrap（bwrap）が入っていません。Debian/Ubuntu では `sudo {SETUP_LINE}` で入れられます。"
    if _is_root() and not (shutil.which("setpriv") and shutil.which("unshare")):
        return False, "root で採点するには setpriv と unshare（util-linux）が必要です。"
    sandbox = Sandbox()
    work = Path(tempfile.mkdtemp(prefix="dxkit-probe-"))
    os.chmod(work, 0o755)
    (work / "probe.txt").write_text("ok", encoding="utf-8")
    sockdir = sandbox.prepare(work)
    # the real launch command, with the launcher's limits applied, running the interpreter the kernel uses
    settings = json.loads(sandbox.launcher(copy=True)[-1])
    code = ("import json, sys; from dxkit.cohort import kernel_launcher as k; s = json.loads(sys.argv[1]); "
            "k.copy_in(*s['copy']); k.apply_limits(s['limits']); " + PROBE.format(work=BOX_WORK))
    cmd = sandbox.box(work, sockdir) + [sys.executable, "-c", code, json.dumps(settings)]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=sandbox.env(work))
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"bubblewrap を起動できません（{exc}）。"
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(sockdir, ignore_errors=True)
    if result.returncode != 0 or "dxkit-sandbox-ok" not in result.stdout:
        return False, ("bubblewrap で箱を作れません（" + (result.stderr.strip().splitlines() or ["理由不明"])[-1][:200]
                       + "）。ユーザー名前空間が使えない設定（コンテナーの中など）では動きません。")
    return True, "提出ごとに bubblewrap の箱（ユーザー・PID 名前空間、ネットワークなし）で実行しました。"


def available() -> bool:
    return bwrap_status()[0]


class SandboxKernelManager(AsyncKernelManager):
    """制限したプロセス（可能なら bubblewrap の箱）でカーネルを動かす KernelManager です。"""

    sandbox = AnyTrait(None, allow_none=True)
    workdir = AnyTrait(None, allow_none=True)
    sockdir = AnyTrait(None, allow_none=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.connection_file = str(Path(self.sockdir) / "kernel.json")
        self.ip = str(Path(self.sockdir) / "k")
        self._spec = KernelSpec(argv=self.sandbox.argv(Path(self.workdir), Path(self.sockdir)),
                                display_name="dxkit sandbox", language="python", interrupt_mode="message",
                                env=self.sandbox.env(Path(self.workdir)))

    @property
    def kernel_spec(self):
        return self._spec

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # the kernel's own stdout/stderr: only the last few kilobytes are kept (a learner writing to fd 1
        # must not fill the host's disk)
        read_end, write_end = os.pipe()
        self.stderr_tail = bytearray()
        threading.Thread(target=_drain, args=(read_end, self.stderr_tail), daemon=True).start()
        kw.setdefault("stdout", write_end)
        kw.setdefault("stderr", write_end)
        try:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(write_end)

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.sandbox.isolate and _is_root():
            os.chown(self.connection_file, NOBODY, NOBODY)


def _drain(fd: int, tail: bytearray, keep: int = 8192) -> None:
    with os.fdopen(fd, "rb", buffering=0) as fh:
        while chunk := fh.read(65536):
            tail += chunk
            del tail[:-keep]
