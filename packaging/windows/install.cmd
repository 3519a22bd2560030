@echo off
rem Runs install.ps1 beside it (PowerShell's default policy blocks a double-clicked script).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
pause
