"""Send a written file to the default printer: the shell's print verb on Windows (the program that
opens .xlsx / .docx prints it), `lp` on Linux and macOS. CUPS cannot print .xlsx / .docx, so on
Linux and macOS such a file is first converted to PDF with LibreOffice (headless, into an
owner-only temp folder removed afterwards); without LibreOffice printing is refused with a hint.
A missing printer or print command gives a Chinese reason; the file itself is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from store.fsio import os_error_text

TIMEOUT = 60  # seconds for `lp` to hand the job to the print system
CONVERT_TIMEOUT = 180  # seconds for LibreOffice to turn a long ledger into PDF on a slow PC
OFFICE_FILES = {".xlsx", ".xls", ".docx", ".doc"}
WINDOWS = os.name == "nt"


def _saved(path: Path) -> str:
    """The reassurance every failure message ends with."""
    return f"文件已保存：{path}，可打开后手动打印"


def _windows(path: Path) -> str | None:
    """The shell's print verb (the default program for the file type prints to the default printer)."""
    try:
        os.startfile(str(path), "print")  # type: ignore[attr-defined]  # Windows only
    except OSError as exc:
        return (f"无法打印：没有默认打印机，或本机没有能打印{path.suffix}文件的程序"
                f"（{os_error_text(exc, path=False)}）。{_saved(path)}")
    return None


def _lp_reason(output: str) -> str:
    """A Chinese reason from lp's (English) complaint."""
    text = output.lower()
    if "no default destination" in text or "default destination" in text:
        return "没有设置默认打印机"
    if "does not exist" in text or "unknown" in text:
        return "默认打印机不存在"
    if "not accepting" in text:
        return "打印机暂停接收任务"
    return f"打印命令出错（{output.strip()[:80] or '无输出'}）"


def print_file(path: str | os.PathLike) -> str | None:
    """Print `path` on the default printer; None when the job was handed over, else the reason."""
    path = Path(os.fspath(path))
    if not path.is_file():
        return f"找不到要打印的文件：{path}"
    if WINDOWS:
        return _windows(path)
    lp = shutil.which("lp")
    if lp is None:
        return f"本机没有打印命令（lp），无法直接打印。{_saved(path)}"
    if path.suffix.lower() not in OFFICE_FILES:
        return _lp(lp, path, path)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return f"本机没有可打印 Excel/Word 文件的程序，请用 WPS 或 Excel 打开后打印：{path}"
    folder = Path(tempfile.mkdtemp(prefix="yingbao-print-"))  # 0700: the PDF holds the same personal data
    try:
        pdf = _to_pdf(office, path, folder)
        return pdf if isinstance(pdf, str) else _lp(lp, pdf, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _to_pdf(office: str, path: Path, folder: Path) -> Path | str:
    """LibreOffice converts `path` into `folder` (its own profile there, so an open LibreOffice
    window does not swallow the job); the PDF, or the Chinese reason it could not be made."""
    profile = (folder / "profile").as_uri()
    try:
        subprocess.run([office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(folder), str(path)], capture_output=True, text=True,
                       timeout=CONVERT_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"转换为PDF超时（{CONVERT_TIMEOUT}秒），未打印。{_saved(path)}"
    except OSError as exc:
        return f"无法运行 LibreOffice（{os_error_text(exc, path=False)}），未打印。{_saved(path)}"
    pdf = folder / f"{path.stem}.pdf"
    if not pdf.is_file() or pdf.stat().st_size == 0:
        return f"无法把文件转换为PDF（LibreOffice 出错），未打印。{_saved(path)}"
    return pdf


def _lp(lp: str, printed: Path, path: Path) -> str | None:
    """Hand `printed` to lp; None when the job was accepted, else the reason (about `path`)."""
    try:
        done = subprocess.run([lp, str(printed)], capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"打印命令{TIMEOUT}秒内没有响应，请检查打印机。{_saved(path)}"
    except OSError as exc:
        return f"无法运行打印命令（{os_error_text(exc, path=False)}）。{_saved(path)}"
    if done.returncode != 0:
        return f"打印失败：{_lp_reason(done.stderr or done.stdout)}。{_saved(path)}"
    return None
