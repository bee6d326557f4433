"""Reading input files safely and writing outputs atomically.

Inputs: :func:`read_input_file` reads only regular files (never a device, FIFO or socket,
nor a symlink to one), up to a size limit, so a scenario naming ``/dev/zero`` fails at once.

Outputs: a single file is written to a temporary file and renamed over its name; a result
folder is written into a hidden sibling folder (:func:`staged_folder`) and renamed into
place when complete, so the folder is always one run's complete set or the previous one's,
never a mix. Files get the usual permissions (``0666`` less the umask).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_text_atomic(folder / "a.txt", "hello")
>>> (folder / "a.txt").read_text()
'hello'
>>> read_input_file(folder / "a.txt", "notes")
b'hello'
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from fundmodel.core.text import spreadsheet_safe
from fundmodel.errors import FundmodelError

MiB = 1024 * 1024
YAML_LIMIT = 1 * MiB
"""Largest scenario, taxonomy or other YAML input file read (bytes)."""
CSV_LIMIT = 64 * MiB
"""Largest CSV input file read (bytes)."""

_TMP = "fundmodel-tmp"
_OLD = "fundmodel-old"
_umask_lock = threading.Lock()


def read_input_file(path: str | Path, what: str, *, limit: int = CSV_LIMIT,
                    error: type[FundmodelError] = FundmodelError) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit`` bytes), else ``error``.

    ``what`` names the input in the message (e.g. "authority CSV")."""
    file = Path(path)
    if str(path) == "":
        raise error(f"{what}: empty file name")
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(f"{file}: cannot read {what} ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
                    "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else
                    "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
            raise error(f"{file}: cannot read {what}: it is {kind}; fundmodel reads only "
                        "regular files")
        if info.st_size > limit:
            raise error(f"{file}: {what} is {info.st_size:,} bytes; the limit is {limit:,}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise error(f"{file}: {what} is more than {limit:,} bytes (the limit)")
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{file}: cannot read {what} ({exc.strerror})") from None
    finally:
        os.close(fd)


def _umask() -> int:
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(folder: Path, name: str) -> None:
    """Remove temporaries fundmodel left next to ``folder/name`` from processes now dead."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(?:{_TMP}|{_OLD})-(\d+)-.*")
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            match = pattern.fullmatch(entry.name)
            if match and not _pid_alive(int(match.group(1))):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_TMP}-{os.getpid()}-", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Atomic UTF-8 text write."""
    write_bytes_atomic(path, text.encode("utf-8"))


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as CSV text (no index, ``\\n`` line endings), text cells that a spreadsheet
    would run as formulas prefixed with ``'`` (see :func:`~fundmodel.core.text.spreadsheet_safe`).

    >>> import pandas as pd
    >>> print(csv_text(pd.DataFrame({"name": ["=1+1", "Hartlepool"], "v": [-1, 2]})), end="")
    name,v
    '=1+1,-1
    Hartlepool,2
    """
    safe = frame
    text_columns = [c for c in frame.columns
                    if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    needs = [c for c in text_columns
             if frame[c].map(lambda v: isinstance(v, str) and spreadsheet_safe(v) != v).any()]
    labels = [c for c in frame.columns if isinstance(c, str) and spreadsheet_safe(c) != c]
    if needs or labels:
        safe = frame.copy()
        for c in needs:
            safe[c] = frame[c].map(lambda v: spreadsheet_safe(v) if isinstance(v, str) else v)
        safe = safe.rename(columns={c: spreadsheet_safe(c) for c in labels})
    return safe.to_csv(index=False, lineterminator="\n")


def write_csv_atomic(path: Path, frame: pd.DataFrame) -> None:
    """Atomic CSV write (no index, ``\\n`` line endings, formulas neutralised)."""
    write_text_atomic(path, csv_text(frame))


def read_csv_rows(path: str | Path, what: str, columns: tuple[str, ...],
                  error: type[FundmodelError] = FundmodelError) -> list[list[str]]:
    """The data rows of a small UTF-8 CSV input whose header must be exactly ``columns``,
    read with :func:`read_input_file` (regular files only, size-limited); every failure is
    ``error`` naming the file.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = p.write_text("code,budget\\nE06000001,5\\n")
    >>> read_csv_rows(p, "budget CSV", ("code", "budget"))
    [['E06000001', '5']]
    """
    import csv
    import io

    from fundmodel.core.text import excerpt

    file = Path(path)
    try:
        text = read_input_file(file, what, limit=CSV_LIMIT, error=error).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{file}: not UTF-8 text (byte {exc.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise error(f"{file}: not valid CSV ({exc})") from None
    if not rows or tuple(rows[0]) != columns:
        got = excerpt(",".join(rows[0])) if rows else "nothing"
        raise error(f"{file}, header: expected exactly {','.join(columns)}, got {got}")
    return rows[1:]


def check_out_folder(out: str | Path) -> Path:
    """``out`` as a Path, refusing an empty name."""
    if str(out).strip() == "":
        raise FundmodelError("output folder name is empty (give a folder, e.g. --out results)")
    return Path(out)


def _replaceable(out: Path, marker: str) -> None:
    """Refuse to replace ``out`` unless it is empty or a complete fundmodel output folder
    (or gone: a concurrent run may have just moved it aside). A verdict against a folder
    that another run swapped out during the check is not trusted: the check is repeated."""
    for _ in range(50):
        before = _identity(out)
        problem = _replace_problem(out, marker)
        if problem is None:
            return
        if _identity(out) == before:
            raise FundmodelError(problem)
    raise FundmodelError(f"{out}: other runs kept replacing the folder; try again")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _replace_problem(out: Path, marker: str) -> str | None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        return f"{out}: exists and is not a folder; choose another output folder"
    try:
        entries = sorted(p.name for p in out.iterdir())
    except FileNotFoundError:
        return None
    if not entries:
        return None
    written = _written_by_fundmodel(out / marker)
    foreign = [e for e in entries if e != marker and e not in written]
    if marker not in entries or foreign:
        shown = ", ".join(foreign[:3] or entries[:3])
        return (f"{out}: the folder holds files fundmodel did not write ({shown}); fundmodel "
                "replaces only its own complete output folders: choose a new or empty folder")
    return None


def _written_by_fundmodel(manifest: Path) -> set[str]:
    import yaml  # the manifest's own format; core.yamlio builds on this module

    try:
        data = yaml.safe_load(read_input_file(manifest, "manifest", limit=YAML_LIMIT))
    except (FundmodelError, yaml.YAMLError):
        return set()
    files = data.get("files") if isinstance(data, dict) else None
    return {str(k) for k in files} if isinstance(files, dict) else set()


@contextlib.contextmanager
def staged_folder(out: str | Path, marker: str = "manifest.yaml") -> Iterator[Path]:
    """Write a folder as a unit: yields a hidden sibling folder to write into; when the
    block ends without error it replaces ``out`` (which must be absent, empty, or a complete
    fundmodel output folder whose ``marker`` lists its files). Write ``marker`` last."""
    target = check_out_folder(out)
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale(parent, target.name)
    if target.exists():
        _replaceable(target, marker)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.{_TMP}-{os.getpid()}-", dir=parent))
    try:
        yield stage
        stage.chmod(0o777 & ~_umask())
        _swap_into_place(stage, target, marker)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


_TARGET_IN_THE_WAY = {errno.ENOTEMPTY, errno.EEXIST, errno.EISDIR, errno.ENOTDIR}
"""``rename`` errors meaning something stands at the target (perhaps only for a moment)."""


def _swap_into_place(stage: Path, target: Path, marker: str) -> None:
    for _ in range(50):
        try:
            os.rename(stage, target)  # succeeds if target is absent or an empty folder
            return
        except OSError as exc:
            if exc.errno not in _TARGET_IN_THE_WAY:
                raise
        _replaceable(target, marker)
        if not target.exists():  # another run moved it aside meanwhile: try again
            continue
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{_OLD}-{os.getpid()}-",
                                    dir=target.parent))
        try:
            os.rename(target, old / "previous")
        except FileNotFoundError:  # another run moved it first: try again
            shutil.rmtree(old, ignore_errors=True)
            continue
        try:
            os.rename(stage, target)
        except OSError:  # another run put its folder in place first: try again
            shutil.rmtree(old, ignore_errors=True)
            continue
        shutil.rmtree(old, ignore_errors=True)
        return
    raise FundmodelError(f"{target}: other runs kept replacing the folder; try again")
