"""提出されたノートブックを、制限したプロセスの中で実行するための Jupyter カーネルです。

Linux では bubblewrap（``bwrap``）の箱の中でカーネルを動かします。

- ネットワークなし（``--unshare-net``）、PID・IPC・UTS も分離し、親が終われば箱も終わります。
- 見えるのは Python の本体・仮想環境・dxkit とデータセットだけ（読み取り専用）と、その提出の作業フォルダー
  （書き込み可）とカーネルの接続用フォルダーだけです。配布元のノートブック、成績簿、ほかの学習者のファイルは
  箱の中に存在しません。
- ``prlimit`` で CPU 時間・メモリ（アドレス空間）・プロセス数・ファイルの大きさ・開けるファイル数を制限します。
  root で動かすときは、箱の中で uid 65534（nobody）に切り替えます（root にはプロセス数の制限が効かないため）。

限界: 隠しテストは学習者のカーネルの中で実行されるので、学習者のコードがテストの関数や変数を書き換える
ことは防げません（採点後のノートブックを講師が確認できるように残します）。bubblewrap が無い環境では
分離できません。その場合は制限（prlimit）だけをかけ、警告を出して実行します。
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import Any as AnyTrait

NOBODY = 65534
SETUP_LINE = "apt-get install -y bubblewrap"


@dataclass
class Limits:
    """カーネル 1 つにかける制限です。"""

    cpu_seconds: int = 900
    memory_bytes: int = 3 * 2**30
    processes: int = 256
    file_bytes: int = 256 * 2**20
    open_files: int = 512

    def prlimit_args(self, processes: int | None = None) -> list[str]:
        prlimit = shutil.which("prlimit")
        if not prlimit:
            return []
        nproc = processes or self.processes
        if not _is_root():  # RLIMIT_NPROC counts every task of the real user: leave room for theirs
            nproc += _user_tasks()
        return [prlimit, f"--cpu={self.cpu_seconds}", f"--as={self.memory_bytes}",
                f"--nproc={nproc}", f"--fsize={self.file_bytes}",
                f"--nofile={self.open_files}", "--"]


def _user_tasks() -> int:
    """Number of threads the current user runs (Linux /proc), 0 if unknown."""
    uid, count = os.getuid(), 0
    try:
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    if proc.stat().st_uid == uid:
                        count += len(os.listdir(proc / "task"))
                except OSError:
                    continue
    except OSError:
        return 0
    return count


@lru_cache(maxsize=1)
def bwrap_status() -> tuple[bool, str]:
    """bubblewrap が使えるかを確かめ、(使えるか, 理由) を返します。"""
    if not sys.platform.startswith("linux"):
        return False, "Linux 以外では bubblewrap を使えません。"
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False, f"bubblewrap（bwrap）が入っていません。Debian/Ubuntu では `{SETUP_LINE}` で入れられます。"
    probe = [bwrap, *namespace_args(), "--ro-bind", "/", "/", "--", "/bin/true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"bubblewrap を起動できません（{exc}）。"
    if result.returncode != 0:
        return False, f"bubblewrap で箱を作れません（{result.stderr.strip()[:200]}）。コンテナーの中では名前空間が使えないことがあります。"
    return True, "bubblewrap を使えます。"


def available() -> bool:
    return bwrap_status()[0]


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def namespace_args() -> list[str]:
    if _is_root():
        # privileged mode: no user namespace; the kernel drops to nobody with setpriv inside
        return ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--new-session"]
    return ["--unshare-all", "--die-with-parent", "--new-session", "--uid", str(NOBODY), "--gid", str(NOBODY)]


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
    """カーネルを起動するコマンドを組み立てます。"""

    limits: Limits = field(default_factory=Limits)
    isolate: bool = True

    def env(self, workdir: Path) -> dict[str, str]:
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": "/tmp", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/mpl", "DXKIT_HOME": "/tmp/dxkit-home",
            "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }

    def argv(self, workdir: Path, sockdir: Path) -> list[str]:
        """``{connection_file}`` を含むカーネルの起動コマンドです。"""
        kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        if not self.isolate:
            return self.limits.prlimit_args() + kernel
        bwrap = shutil.which("bwrap")
        args = [bwrap, *namespace_args(), "--clearenv"]
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
        args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
        made: set[Path] = set()
        for p in readonly_paths():
            args += _dirs_with_perms(p, made) + ["--ro-bind", str(p), str(p)]
        for p in (workdir, sockdir):
            args += _dirs_with_perms(p, made) + ["--bind", str(p), str(p)]
        args += ["--chdir", str(workdir), "--unsetenv", "JPY_PARENT_PID", "--"]
        if _is_root():
            args += [shutil.which("setpriv") or "/usr/bin/setpriv", "--reuid", str(NOBODY), "--regid", str(NOBODY),
                     "--clear-groups", "--no-new-privs", "--bounding-set", "-all", "--inh-caps", "-all", "--"]
        return args + self.limits.prlimit_args() + kernel

    def prepare(self, workdir: Path) -> Path:
        """作業フォルダーと接続用フォルダーを用意し、接続用フォルダーを返します。"""
        sockdir = Path(tempfile.mkdtemp(prefix="dxkit-kernel-"))
        if self.isolate and _is_root():
            for p in (workdir, sockdir):
                for sub in [p, *p.rglob("*")]:
                    os.chown(sub, NOBODY, NOBODY)
        return sockdir


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
                                env={} if self.sandbox.isolate else self.sandbox.env(Path(self.workdir)))

    @property
    def kernel_spec(self):
        return self._spec

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # the kernel's own chatter goes to a log file beside (not inside) the box
        log = open(str(self.sockdir).rstrip("/") + ".log", "ab")  # noqa: SIM115 - closed with the process
        kw.setdefault("stdout", log)
        kw.setdefault("stderr", log)
        try:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            log.close()

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        if self.sandbox.isolate and _is_root():
            os.chown(self.connection_file, NOBODY, NOBODY)


def warn_unsandboxed(reason: str) -> str:
    message = ("！！ 警告: 提出されたコードを隔離せずに実行します ！！ " + reason +
               " 学習者のコードは、このコンピューターのファイルやネットワークにアクセスできます。"
               "信頼できない提出を採点するときは bubblewrap を入れてください。")
    warnings.warn(message, stacklevel=2)
    return message
