#!/usr/bin/env bash
# Runs the built test binaries with the machine's clock faked (libfaketime) at instants where
# wall-clock bugs show: year and month ends, 23:59:59 and 00:00:00 in Shanghai, a weekend, a
# make-up working day, Spring Festival. The suite reads the app's clock, never the machine's,
# so every run must pass. Needs the `faketime` package (installed if missing) and the
# PostgreSQL setup of scripts/test.sh.
#
#   scripts/test-at-instants.sh                    # every instant below
#   scripts/test-at-instants.sh '2027-01-01 00:00:00'   # Shanghai local times of your own
set -euo pipefail

cd "$(dirname "$0")/.."

command -v faketime >/dev/null || { apt-get update && apt-get install -y faketime; }

instants=("$@")
if [[ ${#instants[@]} == 0 ]]; then
    instants=(
        "2026-12-31 23:59:59"   # year end, a second before New Year's Day
        "2027-01-01 00:00:00"   # New Year's Day, a holiday
        "2026-02-28 23:59:59"   # month end on a make-up working Saturday
        "2026-02-17 10:00:00"   # Spring Festival
        "2026-12-05 12:00:00"   # a Saturday
        "2026-11-18 18:00:00"   # evening, mid-month
    )
fi

# "package folder<TAB>test binary", for every test target of the workspace.
targets=$(cargo test --workspace --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json, os, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])')

failed=0
log=$(mktemp)
for instant in "${instants[@]}"; do
    echo "== machine clock at ${instant} Asia/Shanghai"
    while IFS=$'\t' read -r folder binary; do
        # cargo test runs each binary from its package's folder; so does this.
        if (cd "$folder" && TZ=Asia/Shanghai faketime -f "@${instant}" "$binary" -q >"$log" 2>&1); then
            echo "   ok      $(basename "$binary"): $(grep -E '^test result' "$log" | tail -n1)"
        else
            echo "   FAILED  $(basename "$binary")"
            grep -E 'FAILED|panicked' "$log" | head -n 20
            failed=1
        fi
    done <<<"$targets"
done
rm -f "$log"
exit $failed
