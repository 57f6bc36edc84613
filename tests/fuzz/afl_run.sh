#!/bin/sh
# afl_run.sh BUILD_FUZZ_DIR SECONDS TARGET...: run afl-fuzz on each target for
# SECONDS (make fuzz FUZZ_S=N), one after the other, and print one JSON line
# per target: execs, execs per second, paths (corpus entries), crashes, hangs.
# Crashes are copied to tests/fuzz/regress/<target>/ (named by content) so that
# make fuzz-replay keeps replaying them; the script then exits 1.
set -eu
dir=$1 secs=$2
shift 2
here=$(dirname "$0")
# Containers: no CPU governor to check, core dumps may go to a pipe, and
# other engineers' processes hold the cores.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_NO_UI=1 AFL_QUIET=1
found=0
for t in "$@"; do
	out=$dir/out/$t
	rm -rf "$out"
	mkdir -p "$out"
	if ! afl-fuzz -V "$secs" -i "$here/corpus/$t" -o "$out" -- "$dir/afl_$t" >"$out.log" 2>&1; then
		echo "fuzz: afl-fuzz failed on $t (log: $out.log):" >&2
		tail -20 "$out.log" >&2
		exit 2
	fi
	stats=$out/default/fuzzer_stats
	get() { awk -v k="$1" '$1 == k { print $3 }' "$stats"; }
	crashes=$(get saved_crashes)
	printf '{"ev":"fuzz","target":"%s","seconds":%s,"execs":%s,"execs_per_s":%s,"paths":%s,"crashes":%s,"hangs":%s}\n' \
		"$t" "$secs" "$(get execs_done)" "$(get execs_per_sec)" "$(get corpus_count)" "$crashes" "$(get saved_hangs)"
	if [ "$crashes" -gt 0 ]; then
		found=1
		mkdir -p "$here/regress/$t"
		for c in "$out"/default/crashes/id:*; do
			cp "$c" "$here/regress/$t/crash-$(sha1sum "$c" | cut -c1-16)"
		done
		echo "fuzz: $t: $crashes crash(es) copied to $here/regress/$t/" >&2
	fi
done
exit $found
