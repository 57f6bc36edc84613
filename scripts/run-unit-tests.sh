#!/bin/sh
# Run every cmocka test binary given; print one summary line for all.
passed=0 failed=0
for t in "$@"; do
	if "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $t"; fi
done
echo "unit test binaries: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
