@echo off
chcp 65001 >nul
rem yingbao offline install: a venv of its own, every wheel from this folder (pip --no-index).
setlocal
set "KIT=%~dp0"
if "%YINGBAO_HOME%"=="" set "YINGBAO_HOME=%LOCALAPPDATA%\yingbao"
set "PY=python"
where py >nul 2>nul && set "PY=py -3.11"
%PY% -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || goto :nopython
echo 正在创建虚拟环境：%YINGBAO_HOME%\venv
%PY% -m venv "%YINGBAO_HOME%\venv" || goto :fail
echo 正在从本文件夹安装（不连网）...
"%YINGBAO_HOME%\venv\Scripts\python.exe" -m pip install --no-index --find-links "%KIT%wheels" --disable-pip-version-check yingbao || goto :fail
echo.
echo 已安装。运行：
echo   "%YINGBAO_HOME%\venv\Scripts\yingbao.exe"
exit /b 0
:nopython
echo 需要 Python 3.11（本安装包的 wheel 是为 3.11 准备的）。请先安装 Python 3.11，安装时勾选「Add python.exe to PATH」。
exit /b 1
:fail
echo 安装失败，原因见上面的提示。
exit /b 1
