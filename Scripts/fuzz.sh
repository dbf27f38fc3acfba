#!/usr/bin/env bash
# Builds the readers' libFuzzer binary in .build-fuzz/ and fuzzes each reader for FUZZ_SECONDS (default 180)
# seconds, one after the other: `make fuzz`, or `Scripts/fuzz.sh [target ...]` (targets: safetensors idx cifar
# csv text gzip). The corpus grows in .build-fuzz/corpus/<target>/, seeded from
# Tests/DeepLearningTests/Fixtures/fuzz/<target>/ (the seeds and every crash found so far, which `make test`
# replays). A crash stops the run; libFuzzer prints the input's file (crash-…): copy it into the fixtures
# folder of its target, fix the reader, and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-180}
BUILD=.build-fuzz
BINARY=$BUILD/fuzz-readers
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(safetensors idx cifar csv text gzip)
mkdir -p "$BUILD"

# Rebuild when a library or harness source is newer than the binary.
if [ ! -x "$BINARY" ] || [ -n "$(find Sources/DeepLearning Fuzz -name '*.swift' -newer "$BINARY" | head -1)" ]; then
    echo "building $BINARY (whole library with -sanitize=fuzzer,address; a few minutes)"
    CFLAGS=$(pkg-config --cflags openblas 2>/dev/null || true)
    LIBS=$(pkg-config --libs openblas zlib 2>/dev/null || echo "-lopenblas -lz")
    # shellcheck disable=SC2046,SC2086
    swiftc -sanitize=fuzzer,address -parse-as-library -O -wmo -module-name DeepLearning \
        -I Sources/CBLAS -I Sources/CZlib $(for f in $CFLAGS; do printf -- '-Xcc %s ' "$f"; done) \
        $(find Sources/DeepLearning -name '*.swift' | sort) Fuzz/FuzzReaders.swift \
        $LIBS -o "$BINARY"
fi

failed=()
for target in "${TARGETS[@]}"; do
    corpus=$BUILD/corpus/$target
    mkdir -p "$corpus" "$BUILD/crashes/$target"
    echo "== $target: ${SECONDS_EACH}s"
    status=0
    FUZZ_TARGET=$target nice -n 10 "$BINARY" "$corpus" "Tests/DeepLearningTests/Fixtures/fuzz/$target" \
        -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$BUILD/crashes/$target/" -print_final_stats=1 > "$BUILD/$target.log" 2>&1 || status=$?
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Test unit written" "$BUILD/$target.log" || true
    echo "corpus: $(find "$corpus" -type f | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB; log: $BUILD/$target.log"
    if [ "$status" -ne 0 ]; then failed+=("$target"); fi
done
if [ ${#failed[@]} -ne 0 ]; then
    echo "crashes in: ${failed[*]} (inputs in $BUILD/crashes/)"
    exit 1
fi
