; FieldDesk's Windows installer: a per-user install (no administrator), a
; Start-menu entry, an uninstaller; running a newer one over an older
; install replaces the program and never touches the data, which lives in
; %APPDATA%\fyne\org.fielddesk.app. scripts/dist.sh passes VERSION, SRC
; (the folder with the .exe files and the icon) and OUT.
; A 64-bit installer for the 64-bit programs (Debian's NSIS ships the
; amd64 stubs): it runs where FieldDesk runs, Wine's wine64 among them.
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!include "MUI2.nsh"

Name "FieldDesk ${VERSION}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\FieldDesk"
InstallDirRegKey HKCU "Software\FieldDesk" "InstallDir"
BrandingText "FieldDesk ${VERSION}"

!define MUI_ICON "${SRC}\fielddesk.ico"
!define MUI_UNICON "${SRC}\fielddesk.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\FieldDesk.exe"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

!define UNINST "Software\Microsoft\Windows\CurrentVersion\Uninstall\FieldDesk"

Section "FieldDesk"
  SetOutPath "$INSTDIR"
  File "${SRC}\FieldDesk.exe"
  File "${SRC}\fielddesk-server.exe"
  File "${SRC}\fielddesk.ico"
  WriteUninstaller "$INSTDIR\Uninstall FieldDesk.exe"
  CreateShortcut "$SMPROGRAMS\FieldDesk.lnk" "$INSTDIR\FieldDesk.exe" "" "$INSTDIR\fielddesk.ico"
  WriteRegStr HKCU "Software\FieldDesk" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST}" "DisplayName" "FieldDesk"
  WriteRegStr HKCU "${UNINST}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST}" "Publisher" "FieldDesk"
  WriteRegStr HKCU "${UNINST}" "DisplayIcon" "$INSTDIR\fielddesk.ico"
  WriteRegStr HKCU "${UNINST}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST}" "UninstallString" '"$INSTDIR\Uninstall FieldDesk.exe"'
  WriteRegDWORD HKCU "${UNINST}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; The program only: the articles and photos in %APPDATA% stay.
  Delete "$INSTDIR\FieldDesk.exe"
  Delete "$INSTDIR\fielddesk-server.exe"
  Delete "$INSTDIR\fielddesk.ico"
  Delete "$INSTDIR\Uninstall FieldDesk.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\FieldDesk.lnk"
  DeleteRegKey HKCU "${UNINST}"
  DeleteRegKey HKCU "Software\FieldDesk"
SectionEnd
