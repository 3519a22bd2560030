#!/bin/sh
# yingbao offline install: a venv of its own, every wheel from this folder (pip --no-index).
set -eu
KIT=$(cd "$(dirname "$0")" && pwd)
TARGET=${YINGBAO_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/yingbao}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    echo "需要 Python 3.11（本安装包的 wheel 是为 3.11 准备的）；可用 PYTHON=/路径/python3.11 指定" >&2
    exit 1
fi
echo "正在创建虚拟环境：$TARGET/venv"
if ! "$PY" -m venv "$TARGET/venv"; then
    echo "无法创建虚拟环境。Debian/Ubuntu 请先安装 python3.11-venv（或 python3-venv）" >&2
    exit 1
fi
echo "正在从本文件夹安装（不连网）..."
"$TARGET/venv/bin/python" -m pip install --no-index --find-links "$KIT/wheels" --disable-pip-version-check yingbao
echo "已安装。运行：$TARGET/venv/bin/yingbao"
