#!/usr/bin/env bash
# Builds the libFuzzer binary for SceneIO's readers: SceneIO compiled from source with -sanitize=fuzzer,address
# (coverage + AddressSanitizer), linked against the debug build's Support, Geometry, CBridge and CImageCodecs.
# Needs a debug build first (`swift build`). Usage: tools/fuzz/build.sh [OUT_DIR]   (default .build/fuzz)
# Then: FUZZ_FORMAT=npy .build/fuzz/fuzz-sceneio CORPUS_DIR -max_total_time=120   (see tools/fuzz/run.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-.build/fuzz}
D=.build/debug
[ -d "$D/Modules" ] || { echo "run 'swift build' first (needs $D/Modules)" >&2; exit 1; }
mkdir -p "$OUT"
SWIFTC=${SWIFTC:-swiftc}
CFLAGS=(-Xcc -fmodule-map-file="$D/CBridge.build/module.modulemap" -Xcc -I -Xcc CBridge/include
        -Xcc -fmodule-map-file="$D/CImageCodecs.build/module.modulemap" -Xcc -I -Xcc Sources/CImageCodecs/include)
# SceneIO from source, instrumented.
"$SWIFTC" -parse-as-library -module-name SceneIO -emit-module -emit-module-path "$OUT/SceneIO.swiftmodule" \
  -sanitize=fuzzer,address -O -wmo -g -I "$D/Modules" "${CFLAGS[@]}" \
  -c $(find Sources/SceneIO -name "*.swift" | sort) -o "$OUT/SceneIO.o"
# The driver and the shared input dispatcher, linked with the uninstrumented lower layers.
OBJS=$(ls "$D"/Support.build/*.o "$D"/Geometry.build/*.o "$D"/CBridge.build/*.o "$D"/CImageCodecs.build/*.o)
"$SWIFTC" -parse-as-library -module-name FuzzSceneIO -sanitize=fuzzer,address -O -g -I "$OUT" -I "$D/Modules" "${CFLAGS[@]}" \
  Fuzz/FuzzMain.swift Tests/SceneIOTests/FuzzInputs.swift Tests/SceneIOTests/FuzzSceneContract.swift "$OUT/SceneIO.o" $OBJS \
  -lceres -lglog -lpng -ljpeg -lz -lstdc++ -o "$OUT/fuzz-sceneio" 2> "$OUT/link.log" || { cat "$OUT/link.log" >&2; exit 1; }
echo "$OUT/fuzz-sceneio"
