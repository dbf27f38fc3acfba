#!/usr/bin/env bash
# Trains the MNIST classifier that scores generated digits (Cases/Support/MNISTSampleScorer.swift) and copies its
# checkpoint to Data/mnist-classifier/mnist-cnn.safetensors: the mnist-cnn case with its defaults and seed 0.
# Run from the repository root after `swift build -c release --product deep`.
set -euo pipefail
out=$(mktemp -d)
./.build/release/deep train mnist-cnn --seed 0 --out "$out"
cp "$out"/mnist-cnn/latest/model.safetensors Data/mnist-classifier/mnist-cnn.safetensors
./.build/release/deep eval mnist-cnn --checkpoint Data/mnist-classifier/mnist-cnn.safetensors | head -2
