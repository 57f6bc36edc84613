#!/bin/sh
# Boot an ISO halted under QEMU's gdbstub and attach gdb with the symbols
# of both the monitor and the sandbox kernel (they never share addresses:
# monitor at 128 MiB, kernel at 1 MiB guest-physical).
set -eu
iso=${1:-build/questv.iso}
/usr/bin/python3 -m experiments.boot --iso "$iso" --name debug --gdb --timeout 86400 &
qemu_pid=$!
trap 'kill $qemu_pid 2>/dev/null || true' EXIT
sleep 1
gdb -q -ex "file build/monitor.elf" -ex "add-symbol-file build/kernel.elf" \
	-ex "target remote localhost:1234" -ex "break monitor_main" -ex "continue"
