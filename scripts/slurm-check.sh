#!/bin/bash
# make slurm-check: run an experiment's sweep through a real Slurm on this machine.
#
# Starts a private single-node Slurm (Debian slurm-wlm: slurmctld + slurmd, munge
# with a key of its own; configuration, state and logs under build/slurm/, ports on
# 127.0.0.1 only), submits the sweep through the submit.sh that
# `experiments sweep NAME --slurm DIR` writes, waits for the array and its collect
# job, checks the results hold the same runs, all ok, as a local
# `experiments run NAME` (run after it, into a results folder of its own), and prints
# Slurm's overhead per array task: (array makespan - local makespan) / tasks, both
# one run at a time. Every daemon it started is stopped on the way out, also when a
# step fails. Usage: scripts/slurm-check.sh [NAME] (default boot).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NAME=${1:-boot}
PY=/usr/bin/python3
WAIT_S=${SLURM_CHECK_WAIT_S:-600}   # array and collect, then we give up
BASE=$ROOT/build/slurm
NODE=questv

say() { echo "slurm-check: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }

for cmd in munged mungekey slurmctld slurmd sbatch squeue scontrol; do
	command -v "$cmd" >/dev/null || die "$cmd not found: run scripts/deps.sh (Debian slurm-wlm, munge)"
done

$PY -m experiments show "$NAME" >/dev/null || die "no experiment $NAME (see: $PY -m experiments list)"
rm -rf "$BASE"
mkdir -p "$BASE"/{etc,state,spool,log,run,munge,jobs}
chmod 700 "$BASE" "$BASE"/munge

# Every daemon we start writes its pid file here; stop() ends exactly those.
PIDS=("$BASE/run/slurmd.pid" "$BASE/run/slurmctld.pid" "$BASE/munge/munged.pid")
stop() {
	local status=$?
	trap - EXIT INT TERM
	if [ -f "$BASE/run/slurmctld.pid" ]; then
		scancel --quiet --full -u "$(id -un)" 2>/dev/null || true   # jobs first: no QEMU left behind
	fi
	for f in "${PIDS[@]}"; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || continue
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && { say "pid $pid ($f) did not stop: killing it"; kill -9 "$pid" 2>/dev/null || true; }
	done
	for f in "${PIDS[@]}"; do
		[ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && { say "pid $(cat "$f") still runs"; status=1; }
	done
	[ $status = 0 ] || say "logs: $BASE/log/"
	exit $status
}
trap stop EXIT
trap 'exit 130' INT TERM

free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {   # wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds
	local t=$1 what=$2
	shift 2
	for _ in $(seq $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
	die "$what did not come up within $t s"
}

# munge: its own key and socket, so it neither needs nor disturbs a system munged.
mungekey --create --keyfile="$BASE/munge/munge.key" --force 2>/dev/null
chmod 600 "$BASE/munge/munge.key"
SOCK=$BASE/munge/munge.socket
munged --force --key-file="$BASE/munge/munge.key" --socket="$SOCK" \
	--pid-file="$BASE/munge/munged.pid" --log-file="$BASE/log/munged.log" \
	--seed-file="$BASE/munge/munged.seed"
wait_for 10 munged test -S "$SOCK"

# Slurm: the node advertises as many CPUs as the sweep's widest run asks for
# (config_overrides: more than this machine has), so every task fits; tasks that
# ask for them all run one at a time.
CPUS=$($PY -c "from experiments import spec; print(max(max(r.qemu.get('smp', 1) for r in spec.load('$NAME').runs), $(nproc)))")
export SLURM_CONF=$BASE/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=questv-check
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
AuthType=auth/munge
AuthInfo=socket=$SOCK
CryptoType=crypto/munge
SlurmUser=$(id -un)
SlurmdUser=root
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
PlugStackConfig=$BASE/etc/plugstack.conf
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$CPUS State=UNKNOWN
PartitionName=check Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
: >"$BASE/etc/plugstack.conf"
slurmctld -f "$SLURM_CONF"
wait_for 20 slurmctld scontrol ping
slurmd -f "$SLURM_CONF" -N "$NODE"
wait_for 30 "node $NODE" bash -c "sinfo -h -N -o %T | grep -qx idle"
say "private Slurm up (config $SLURM_CONF)"

# The sweep through the generated submit.sh; its results in a folder of their own.
RES=$BASE/results
$PY -m experiments sweep "$NAME" --slurm "$BASE/jobs" --results "$RES" >/dev/null
t0=$(date +%s.%N)
out=$("$BASE/jobs/$NAME.submit.sh")
t_submitted=$(date +%s.%N)
array=$(sed -n 's/^submitted array job \([0-9]*\)$/\1/p' <<<"$out")
[ -n "$array" ] || die "submit.sh printed no array job id: $out"
say "array job $array submitted (images built in $($PY -c "print(f'{$t_submitted - $t0:.1f}')") s)"
deadline=$(($(date +%s) + WAIT_S))
while squeue -h -o %i | grep -q .; do
	[ "$(date +%s)" -lt "$deadline" ] || die "jobs still queued or running after $WAIT_S s: $(squeue -h)"
	sleep 0.5
done
t_done=$(date +%s.%N)
[ -f "$RES/$NAME/runs.csv" ] || die "the collect job wrote no $RES/$NAME/runs.csv (see $RES/$NAME/slurm/)"

# The same sweep locally, one run at a time, on the images submit.sh built.
LOCAL=$BASE/local
t1=$(date +%s.%N)
$PY -m experiments run "$NAME" --results "$LOCAL" -j 1 --no-build >"$BASE/log/local.out" 2>&1 ||
	die "local run failed: $(tail -5 "$BASE/log/local.out")"
t_local=$(date +%s.%N)

# Daemon ports: any not on 127.0.0.1 fails the check.
wide=$(ss -Hltnp 2>/dev/null | grep -E 'slurm|munge' | awk '$4 !~ /^127\.0\.0\.1:/' || true)
[ -z "$wide" ] || die "a daemon listens beyond 127.0.0.1: $wide"

$PY - "$NAME" "$RES" "$LOCAL" "$BASE/log/local.out" "$t_submitted" "$t_done" "$t1" "$t_local" <<'EOF'
import csv, glob, re, sys
name, res, local, local_out = sys.argv[1:5]
t_sub, t_done, t1, t_local = map(float, sys.argv[5:9])
RUN = re.compile(r"\] (?:ok  |FAIL) \S+ \(([0-9.]+) s\)")
def runs(d):
    return {r["run"]: r["ok"] for r in csv.DictReader(open(f"{d}/{name}/runs.csv"))}
def boots(paths):
    return sum(float(m.group(1)) for p in paths for m in RUN.finditer(open(p).read()))
s, l = runs(res), runs(local)
bad = [k for k, ok in s.items() if ok != "True"]
if set(s) != set(l) or bad:
    sys.exit(f"slurm-check: FAILED: Slurm ran {sorted(s)}, failed {bad}; locally {sorted(l)}")
n = len(s)
# Time around the boots: Slurm's (scheduling, job start and end, the harness starting in
# every task, the collect job) against the local harness's, per task.
slurm_s, local_s = t_done - t_sub, t_local - t1
around_slurm = slurm_s - boots(glob.glob(f"{res}/{name}/slurm/*_*.out"))
around_local = local_s - boots([local_out])
print(f"slurm-check: {name}: {n} runs under Slurm, all ok, the same runs as locally")
print(f"slurm-check: array + collect {slurm_s:.1f} s ({around_slurm:.1f} s outside the boots), "
      f"local -j 1 {local_s:.1f} s ({around_local:.1f} s outside the boots): Slurm overhead "
      f"{(around_slurm - around_local) / n:.1f} s per array task (its collect job included)")
EOF
