# yingbao installer for the one-folder build (run through install.cmd): copies the program to
# the user's programs folder, makes the desktop shortcut, gives the shortcut's console window a
# CJK font and the UTF-8 code page, and creates the nightly backup task (yingbao.exe backup
# schedule --install: 21:00 daily, as soon as possible after a missed start, and at logon).
# Saved as UTF-8 with a BOM: Windows PowerShell 5.1 reads a file without one in the ANSI code page.
param(
    [string]$Target = (Join-Path $env:LOCALAPPDATA 'Programs\yingbao'),
    [string]$Db = '',
    [switch]$NoBackupTask
)
$ErrorActionPreference = 'Stop'
$Source = $PSScriptRoot
try {
    $TargetFull = [System.IO.Path]::GetFullPath($Target)
    if ($TargetFull.TrimEnd('\') -ne ([System.IO.Path]::GetFullPath($Source)).TrimEnd('\')) {
        New-Item -ItemType Directory -Force -Path $TargetFull | Out-Null
        Copy-Item -Path (Join-Path $Source '*') -Destination $TargetFull -Recurse -Force
    }
    $Exe = Join-Path $TargetFull 'yingbao.exe'
    $Launcher = Join-Path $TargetFull '应保尽保.cmd'

    $Desktop = [Environment]::GetFolderPath('Desktop')
    $Shell = New-Object -ComObject WScript.Shell
    $Link = $Shell.CreateShortcut((Join-Path $Desktop '应保尽保.lnk'))
    $Link.TargetPath = $Launcher
    $Link.WorkingDirectory = $TargetFull
    $Link.IconLocation = "$Exe,0"
    $Link.Description = '应保尽保：困难群众「漏保」「漏救」问题整治工作台'
    $Link.Save()

    # Console settings for windows titled like the shortcut: a CJK font, UTF-8, 120 x 40.
    $Key = 'HKCU:\Console\应保尽保'
    New-Item -Path $Key -Force | Out-Null
    New-ItemProperty -Path $Key -Name FaceName -Value '新宋体' -PropertyType String -Force | Out-Null
    New-ItemProperty -Path $Key -Name FontFamily -Value 0x36 -PropertyType DWord -Force | Out-Null
    New-ItemProperty -Path $Key -Name FontSize -Value 0x00100000 -PropertyType DWord -Force | Out-Null
    New-ItemProperty -Path $Key -Name CodePage -Value 65001 -PropertyType DWord -Force | Out-Null
    New-ItemProperty -Path $Key -Name WindowSize -Value 0x00280078 -PropertyType DWord -Force | Out-Null
    New-ItemProperty -Path $Key -Name ScreenBufferSize -Value 0x0BB80078 -PropertyType DWord -Force | Out-Null

    Write-Host "已安装到：$TargetFull"
    Write-Host '已在桌面建立快捷方式「应保尽保」'
    if (-not $NoBackupTask) {
        $DbArgs = @()
        if ($Db) { $DbArgs = @('--db', $Db) }
        & $Exe @DbArgs backup schedule --install | Out-Host
        if ($LASTEXITCODE -ne 0) {
            Write-Host '每晚自动备份未能设置；可以稍后运行：yingbao.exe backup schedule --install'
        }
    }
} catch {
    Write-Host "安装失败：$($_.Exception.Message)"
    exit 1
}
