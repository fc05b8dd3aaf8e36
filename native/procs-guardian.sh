#!/bin/sh
# The guardian, for units started without the spawner (src/proc/shell-guardian.ts starts it):
# when procs dies without stopping its units (SIGKILL, an OOM kill, a crash), nothing in procs can
# run, so this tiny /bin/sh process does it. It reads lines from procs on stdin:
#   g PGID   a unit's process group, just created
#   p PID    a descendant that left its group
#   u PGID   a group that is gone
# At end-of-file (procs is gone, however it ended) it snapshots the registered groups and their
# descendants (through the parent chain), sends them SIGTERM, then SIGKILL once they are gone or
# after a second's grace (GRACE, in tenths of a second), and exits. It records the start time of
# every process it is told about (field 22 of /proc/PID/stat) and at the end skips a pid whose
# start time changed: a pid reused by an unrelated process is never signalled. Zombies count as
# gone (PID 1 of a container may never reap them). Written for dash/POSIX sh.
trap '' INT HUP QUIT PIPE
start_of() { st=; [ -r "/proc/$1/stat" ] || return 1; read -r line < "/proc/$1/stat" || return 1; set -- ${line##*') '}; shift 19; st=$1; }
running() { [ -r "/proc/$1/stat" ] && read -r line < "/proc/$1/stat" 2>/dev/null && set -- ${line##*') '} && [ "$1" != Z ]; }
groups= pids=
while read -r op a; do
  case $op in
    g) start_of "$a" || st=gone; groups="$groups $a:$st" ;;
    p) start_of "$a" && pids="$pids $a:$st" ;;
    u) rest=; for e in $groups; do case $e in "$a":*) ;; *) rest="$rest $e" ;; esac; done; groups=$rest ;;
  esac
done
targets=
for e in $groups; do
  g=${e%%:*}; s=${e#*:}
  if [ -e "/proc/$g" ]; then start_of "$g"; [ "$st" = "$s" ] || continue; fi
  targets="$targets -$g"
done
for e in $pids; do p=${e%%:*}; start_of "$p" && [ "$st" = "${e#*:}" ] && targets="$targets $p"; done
[ -n "$targets" ] || exit 0
all=
for d in /proc/[0-9]*; do
  [ -r "$d/stat" ] && read -r line < "$d/stat" 2>/dev/null || continue
  set -- ${line##*') '}; all="$all ${d#/proc/}:$2:$3"
done
members=' '
for e in $all; do
  p=${e%%:*}; r=${e#*:}
  case "$targets " in *" -${r#*:} "*|*" $p "*) members="$members$p " ;; esac
done
n=0; grew=1
while [ $grew = 1 ] && [ $n -lt 32 ]; do
  grew=0; n=$((n + 1))
  for e in $all; do
    p=${e%%:*}; r=${e#*:}
    case $members in *" $p "*) continue ;; esac
    case $members in *" ${r%%:*} "*) [ "$p" = $$ ] || { members="$members$p "; grew=1; } ;; esac
  done
done
kill -s TERM -- $targets $members 2>/dev/null
i=0
GRACE=10
while [ $i -lt $GRACE ]; do
  alive=
  for t in $members; do running "$t" && { alive=1; break; }; done
  [ -n "$alive" ] || break
  sleep 0.1; i=$((i + 1))
done
kill -s KILL -- $targets $members 2>/dev/null
exit 0
