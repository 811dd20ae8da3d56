#!/bin/bash
# A single-node SLURM on this Debian machine (munge, slurmctld, slurmd on localhost), and a small
# sharded sweep through it with the committed sbatch scripts, three ways:
#
#   plain      one array of N tasks, then merge-report.sbatch with --dependency=afterok
#   resubmit   the array without task 2, then task 2 submitted alone (--array=2)
#   stepped    --array=0-(N-1):2, then --array=1-(N-1):2
#
# and checks that each way's task 2 database holds the same runs (the shard count survives a
# resubmission) and that the three merged databases hold the same runs with the same results.
#
#   sudo scripts/slurm/local-cluster.sh [WORK-DIR]     # from the repository, after swift build
#
# Runs as root: it installs packages, writes /etc/slurm/slurm.conf (only when it is missing or
# one this script wrote) and starts the daemons if they are not running. SCALPEL chooses the
# binary (default .build/release/scalpel, else .build/debug/scalpel); the sweep reads
# Fashion-MNIST from SCALPEL_DATA (run `scalpel data fetch --only fashion-mnist` once).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-/tmp/scalpel-slurm}
shards=4
scalpel=${SCALPEL:-$repo/.build/release/scalpel}
[[ -x $scalpel ]] || scalpel=$repo/.build/debug/scalpel
[[ -x $scalpel ]] || { echo "build scalpel first (swift build -c release)" >&2; exit 69; }
step() { printf '\n== %s\n' "$*"; }

step "packages"
missing=()
for p in slurmctld slurmd munge slurm-client sqlite3; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
dpkg-query -W -f '${Package} ${Version}\n' slurmctld slurmd munge slurm-client

step "munge"
[[ -s /etc/munge/munge.key ]] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
install -d -o munge -g munge -m 755 /run/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge | grep STATUS

step "slurm.conf"
node=$(hostname -s)
cpus=$(nproc)
memory=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 2048))
conf=/etc/slurm/slurm.conf
marker="# written by scalpel scripts/slurm/local-cluster.sh"
if [[ -f $conf ]] && ! grep -qF "$marker" "$conf"; then
    echo "$conf exists and is not this script's: leaving it (and the cluster it describes) alone" >&2
    exit 1
fi
mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
cat >"$conf" <<CONF
$marker
ClusterName=scalpel-local
SlurmctldHost=$node
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
grep -E '^(NodeName|PartitionName)' "$conf"

step "daemons"
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 60); do
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
    [[ $state == idle* || $state == mixed* || $state == allocated* ]] && break
    [[ $state == down* || $state == drain* ]] && scontrol update nodename="$node" state=resume || true
    sleep 1
done
sinfo

step "the sweep"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
cat >tiny.yaml <<SPEC
name: slurm-tiny
checkpoints: [$repo/checkpoints/resnet26-fmnist.safetensors]
shifts: [fmnist-flip, "fmnist-c:gaussian_noise:5"]
methods: [all, last, surgical:block1]
learning_rates: [1e-3, 1e-4]
method_learning_rates: {last: [1e-1, 1e-2]}
target_sizes: [2]
validation_per_class: 2
test_per_class: 5
seeds: [0, 1]
epochs: 1
batch_size: 10
SPEC
total=$("$scalpel" sweep tiny.yaml --db unused.sqlite --dry-run 2>/dev/null | wc -l)
echo "tiny.yaml: $total runs, $shards shards; binary $scalpel"
export SCALPEL="$scalpel" SCALPEL_SHARDS=$shards SCALPEL_THREADS=1
# sweep [SBATCH-OPTION…] RESULTS-DIR; merge [SBATCH-OPTION…] RESULTS-DIR MERGED REPORT
sweep() {
    local options=(); while [[ $1 == --* ]]; do options+=("$1"); shift; done
    sbatch --parsable --cpus-per-task=1 --mem=2G --time=00:30:00 "${options[@]}" "$repo/scripts/slurm/sweep.sbatch" tiny.yaml "$@"
}
merge() {
    local options=(); while [[ $1 == --* ]]; do options+=("$1"); shift; done
    sbatch --parsable --wait --mem=1G "${options[@]}" "$repo/scripts/slurm/merge-report.sbatch" tiny.yaml "$@"
}
# The first line of each task's log of array job $1: which shard it ran.
tasks() { head -qn 1 scalpel-sweep-"$1"_*.out; }

runs() { sqlite3 "$1" "SELECT key, status, printf('%.6f', test_accuracy) FROM runs ORDER BY key"; }

step "plain: --array=0-$((shards - 1)), then merge-report.sbatch --dependency=afterok"
job=$(sweep --array=0-$((shards - 1)) results/plain)
merge --dependency=afterok:"$job" results/plain merged/plain.sqlite reports/plain >/dev/null
tasks "$job"
cat scalpel-merge-*.out && rm scalpel-merge-*.out

step "resubmit: --array=0,1,3 (task 2 lost), then --array=2 alone"
job=$(sweep --wait --array=0,1,3 results/resubmit) && tasks "$job"
job=$(sweep --wait --array=2 results/resubmit) && tasks "$job"
merge results/resubmit merged/resubmit.sqlite reports/resubmit >/dev/null && rm scalpel-merge-*.out

step "stepped: --array=0-$((shards - 1)):2, then --array=1-$((shards - 1)):2"
job=$(sweep --wait --array=0-$((shards - 1)):2 results/stepped) && tasks "$job"
job=$(sweep --wait --array=1-$((shards - 1)):2 results/stepped) && tasks "$job"
merge results/stepped merged/stepped.sqlite reports/stepped >/dev/null && rm scalpel-merge-*.out

step "checks"
status=0
for way in plain resubmit stepped; do
    for ((i = 0; i < shards; i++)); do printf '%s ' "$(sqlite3 "results/$way/tiny-$i.sqlite" 'SELECT COUNT(*) FROM runs')"; done
    echo "runs per shard ($way); merged: $(sqlite3 "merged/$way.sqlite" 'SELECT COUNT(*) FROM runs') of $total"
done
if cmp -s <(runs results/plain/tiny-2.sqlite) <(runs results/resubmit/tiny-2.sqlite); then
    echo "task 2 resubmitted alone ran shard 2/$shards: the same runs as in the plain array"
else
    echo "FAIL: task 2 resubmitted alone ran other runs than the plain array's task 2"; status=1
fi
for way in resubmit stepped; do
    if cmp -s <(runs merged/plain.sqlite) <(runs "merged/$way.sqlite"); then
        echo "merged/$way.sqlite = merged/plain.sqlite (keys, statuses, test accuracies)"
    else
        echo "FAIL: merged/$way.sqlite differs from merged/plain.sqlite"; status=1
    fi
done
[[ $(sqlite3 merged/plain.sqlite 'SELECT COUNT(*) FROM runs') == "$total" ]] || { echo "FAIL: not every run merged"; status=1; }
ls reports/plain
exit $status
