#!/bin/sh
# Keeps one systemd lab host booted; started by src/lab/host.ts, lives in the machine's namespaces.
# Each boot: this shell enters the host's own cgroup (LAB_CGROUP, a directory of the machine's
# unified hierarchy), forks the launcher there (nsenter into the host's netns, unshare with a
# cgroup namespace rooted at LAB_CGROUP, host-init.sh as PID 1), and leaves the cgroup again,
# taking the launcher with it once PID 1 runs, so only the host's processes are left inside.
# PID 1 killed by SIGHUP is a reboot (reboot(2) in a PID namespace): boot again with the same
# upper layer. Anything else (a power off: SIGINT; a kill) ends this shell with that status.
set -u
: "${LAB_HOST:?}" "${LAB_CGROUP:?}" "${LAB_CGROUP_HOME:?}" "${LAB_INIT_SCRIPT:?}"
boot=0
while :; do
  boot=$((boot + 1))
  echo "host-boot: $LAB_HOST boot $boot"
  echo $$ >"$LAB_CGROUP/cgroup.procs"
  nsenter --net="/run/netns/$LAB_HOST" unshare --mount --uts --ipc --pid --cgroup --fork sh "$LAB_INIT_SCRIPT" &
  launcher=$!
  echo $$ >"$LAB_CGROUP_HOME/cgroup.procs"
  i=0
  while [ -z "$(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null)" ] && [ $i -lt 1000 ]; do
    sleep 0.01
    i=$((i + 1))
  done
  echo "$launcher" >"$LAB_CGROUP_HOME/cgroup.procs" 2>/dev/null || true
  wait "$launcher"
  rc=$?
  echo "host-boot: $LAB_HOST PID 1 ended ($rc)"
  [ "$rc" -eq 129 ] || exit "$rc"
  # The old boot's empty cgroups go, deepest first, so the next systemd starts from a clean tree.
  find "$LAB_CGROUP" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
done
