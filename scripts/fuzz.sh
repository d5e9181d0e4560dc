#!/usr/bin/env bash
# Builds one libFuzzer target of Fuzz/ (release, -sanitize=fuzzer,address) and runs it at the lowest
# priority (docs/operations.md, fuzzing):
#   scripts/fuzz.sh jws|jwks|pem|scopes|paths SECONDS [RUNS]
# FUZZ_ARGS adds libFuzzer flags (e.g. FUZZ_ARGS=-max_len=1024: long inputs slow the PEM and
# scope targets several times over).
# Stops after SECONDS or RUNS executions, whichever comes first. New inputs go to
# Fuzz/.build/corpus/TARGET (the committed seeds in Fuzz/Corpus/TARGET stay small); a crash is
# written to Fuzz/.build/crashes/ and ends the run with libFuzzer's non-zero exit code.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"

usage() { echo "usage: scripts/fuzz.sh jws|jwks|pem|scopes|paths SECONDS [RUNS]" >&2; exit 2; }
[ $# -ge 2 ] || usage
case "$1" in
    jws) product=FuzzJWS ;;
    jwks) product=FuzzJWKS ;;
    pem) product=FuzzPEM ;;
    scopes) product=FuzzScopes ;;
    paths) product=FuzzPaths ;;
    *) usage ;;
esac
target=$1 seconds=$2 runs=${3:--1}

# Hold the shared build lock (machines where several people build) only while building.
# Release (-enable-testing for the targets' `@testable` import) runs 10-40x faster than debug;
# FUZZ_CONFIGURATION=debug gives readable stack traces for a crash.
configuration=${FUZZ_CONFIGURATION:-release}
flags=(-c "$configuration" -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing)
build=(swift build "${flags[@]}" --product "$product")
if command -v flock >/dev/null 2>&1; then flock -o /tmp/swift-build.lock "${build[@]}"; else "${build[@]}"; fi

mkdir -p ".build/corpus/$target" .build/crashes
bin=$(swift build "${flags[@]}" --show-bin-path)
exec nice -n 19 "$bin/$product" \
    -max_total_time="$seconds" -runs="$runs" -print_final_stats=1 ${FUZZ_ARGS:-} \
    -artifact_prefix=".build/crashes/$target-" \
    ".build/corpus/$target" "Corpus/$target"
