#!/usr/bin/env bash
# Installs Cohost into ./.venv on Debian/Ubuntu (apt packages included).
#   ./install.sh          what `cohost demo` and `cohost run` need
#   ./install.sh --llm    also torch + transformers, to run a GLM model on this PC
#   ./install.sh --test   everything the test suite needs (OBS, Chromium, PulseAudio, torch CPU,
#                         Coqui, piper, edge-tts)
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-}"
case "$mode" in "" | --llm | --test) ;; *) echo "usage: ./install.sh [--llm|--test]" >&2; exit 2 ;; esac

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# PortAudio for a sound device; everything else installs from PyPI (pip alone works on
# Windows and macOS). espeak-ng is an optional last-resort voice; the tests use it.
apt_packages=(python3-venv libportaudio2)
if [ "$mode" = "--test" ]; then
  apt_packages+=(espeak-ng sox pulseaudio pulseaudio-utils obs-studio xvfb libgl1-mesa-dri chromium fonts-noto-cjk
    iproute2 util-linux)
fi
if command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
else
  echo "install.sh: no apt-get here; install these yourself: ${apt_packages[*]}" >&2
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
"${pip[@]}" --upgrade pip >/dev/null

case "$mode" in
  --test)
    # The CPU build of torch; a bare `torch` would pull a multi-GB CUDA build.
    "${pip[@]}" torch==2.13.0
    "${pip[@]}" -e ".[llm,serve,tune,test,piper,edge]"
    # Coqui TTS on a CPU-only machine (tests use a random VITS): torchaudio 2.11.1 is the
    # newest beside torch 2.13.0, torchcodec 0.12 is its CPU build, six an undeclared
    # dependency. torchaudio's lib/*.so are CUDA builds that cannot load without a GPU;
    # removing them makes torchaudio take its pure-Python path (load/save through
    # torchcodec, Resample). On a GPU PC `pip install -e ".[coqui]"` with the normal wheels works.
    "${pip[@]}" coqui-tts==0.28.0 torchaudio==2.11.1 torchcodec==0.12.0 six
    rm -f .venv/lib/python3*/site-packages/torchaudio/lib/*.so
    ;;
  --llm)
    if command -v nvidia-smi >/dev/null; then "${pip[@]}" torch; else "${pip[@]}" torch==2.13.0; fi
    "${pip[@]}" -e ".[llm]"
    ;;
  *)
    "${pip[@]}" -e .
    ;;
esac
echo "Cohost is installed in .venv (run: .venv/bin/cohost --help)"
