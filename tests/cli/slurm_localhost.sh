#!/bin/bash
# A Slurm cluster of one node on this machine, for tests/cli/test_slurm.py:
# munged, slurmctld and slurmd started here, with their configuration, keys,
# state and logs in a temporary folder; SCRIPT submitted with sbatch from
# WORKDIR, then wait until the queue is empty.
#
#   unshare --net --pid --fork --mount-proc --kill-child=SIGKILL slurm_localhost.sh STATE WORKDIR SCRIPT
#
# STATE is an empty folder that every user can enter (munged checks the
# folders above its socket); the caller removes it.
#
# Run it as PID 1 of its own PID and network namespaces (as above): the only
# network is a loopback interface of its own, and when this script ends, or
# its parent is killed, the kernel ends every daemon and job with it.
set -euo pipefail
state="$1"
workdir="$2"
script="$3"
[ "$$" = 1 ] || { echo "run me as PID 1 of a new PID namespace (unshare --pid --fork)" >&2; exit 3; }
ip link set lo up
# Slurm looks up addresses with AI_ADDRCONFIG, which ignores 127.0.0.1: a second loopback address satisfies it.
ip addr add 127.0.0.2/8 dev lo

mkdir "$state/spool" "$state/save"
host="$(hostname -s)"
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 ))
memory_mb=$(( memory_mb < 2000 ? memory_mb : 2000 ))

dump_logs() {
  for log in "$state"/*.log; do echo "--- $log"; tail -n 30 "$log"; done >&2
  timeout 10 scontrol show jobs >&2 || true
}

mungekey --create --keyfile="$state/munge.key"
munged --foreground --socket="$state/munge.socket" --key-file="$state/munge.key" --log-file="$state/munged.log" \
  --pid-file="$state/munged.pid" --seed-file="$state/munged.seed" &
for _ in $(seq 50); do [ -S "$state/munge.socket" ] && break; sleep 0.1; done

cat > "$state/slurm.conf" <<CONF
ClusterName=ppisimtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
AuthInfo=socket=$state/munge.socket
CredType=cred/munge
StateSaveLocation=$state/save
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
NodeName=ppisimnode NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$(nproc) RealMemory=$memory_mb State=UNKNOWN
PartitionName=test Nodes=ppisimnode Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$state/slurm.conf"
slurmctld -D -f "$SLURM_CONF" > "$state/slurmctld.out.log" 2>&1 &
slurmd -D -N ppisimnode -f "$SLURM_CONF" > "$state/slurmd.out.log" 2>&1 &

up=""
for _ in $(seq 150); do
  if [ "$(timeout 5 sinfo -h -o %t 2>/dev/null)" = "idle" ]; then up=1; break; fi
  sleep 0.2
done
[ -n "$up" ] || { echo "slurm_localhost: the node did not come up within 30 s" >&2; dump_logs; exit 4; }

cd "$workdir"
timeout 10 sbatch "$script"
queued() { timeout 5 squeue -h -o %i || echo "squeue failed"; }
for _ in $(seq 600); do
  [ -z "$(queued)" ] && break
  sleep 0.2
done
if [ -n "$(queued)" ]; then echo "slurm_localhost: jobs still queued after 120 s" >&2; dump_logs; exit 5; fi
timeout 10 scontrol show jobs | grep -E "^JobId=|JobState=" || true
