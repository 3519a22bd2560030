@echo off
rem yingbao launcher: opens the program in Windows Terminal when it is installed, otherwise in
rem this console set up for Chinese (UTF-8 code page; install.ps1 gives the shortcut's console a
rem CJK font). Lives beside yingbao.exe in the one-folder build.
chcp 65001 >nul
set "PYTHONUTF8=1"
set "HERE=%~dp0"
where wt.exe >nul 2>nul
if not errorlevel 1 (
    start "" wt.exe --title 应保尽保 -d "%HERE%." "%HERE%yingbao.exe" %*
    exit /b 0
)
mode con cols=120 lines=40 >nul 2>nul
echo 提示：中文或表格显示错位时，在窗口标题栏上右键，选「属性」-「字体」，选「新宋体」；
echo       装有「终端」（Windows Terminal）时本程序会自动在其中打开。
"%HERE%yingbao.exe" %*
if errorlevel 1 pause
