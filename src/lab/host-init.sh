#!/bin/sh
# Boots one lab host. Started by src/lab/host.ts (through host-boot.sh for systemd hosts) as
#   nsenter --net=/run/netns/HOST unshare --mount --uts --ipc --pid [--cgroup] --fork sh host-init.sh
# so this shell is PID 1 of a fresh PID namespace with private mount, UTS and IPC namespaces.
# It builds the host's root (overlay: template + machine's / below, private upper on the lab's
# tmpfs) and pivots into it. LAB_INIT=tini: it starts dbus + firewalld (and Apache/Tomcat when
# asked), then becomes tini running sshd -D. LAB_INIT=systemd: it mounts the host's own cgroup2
# tree and becomes systemd, which starts sshd, firewalld and the services as units.
# Killing (tini) or powering off (systemd) that PID 1 ends every process of the host.
set -eu
: "${LAB_HOST:?}" "${LAB_ROOT:?}" "${LAB_UPPER:?}" "${LAB_WORK:?}" "${LAB_TEMPLATE:?}"
: "${LAB_JAVA_HOME:=/usr/lib/jvm/java-17-openjdk-amd64}" "${LAB_SERVICES:=}" "${LAB_INIT:=tini}"

hostname "$LAB_HOST"
# Nothing mounted here may leak back to the machine.
mount --make-rprivate /
mount -t overlay overlay \
  -o "lowerdir=$LAB_TEMPLATE:/,upperdir=$LAB_UPPER,workdir=$LAB_WORK" "$LAB_ROOT"
R=$LAB_ROOT
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
if [ "$LAB_INIT" = systemd ]; then
  # systemd may tune the host's own network stack, nothing else of the kernel.
  mount --bind "$R/proc/sys" "$R/proc/sys"
  mount --bind "$R/proc/sys/net" "$R/proc/sys/net"
  mount -o remount,bind,ro "$R/proc/sys"
  mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
  # The unified hierarchy only, rooted at this host's cgroup (the cgroup namespace): systemd must
  # never see the machine's v1 controllers, which every host would share.
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"
else
  mount -t sysfs -o nosuid,nodev,noexec sysfs "$R/sys"
fi
mount -t tmpfs -o nosuid,mode=755,size=16m tmpfs "$R/dev"
# A minimal /dev: the character devices daemons and shells expect, and a private devpts.
for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<EOT
$spec
EOT
  mknod -m 666 "$R/dev/$name" c "$major" "$minor"
done
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"
ln -s /proc/self/fd "$R/dev/fd"
ln -s /proc/self/fd/0 "$R/dev/stdin"
ln -s /proc/self/fd/1 "$R/dev/stdout"
ln -s /proc/self/fd/2 "$R/dev/stderr"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$R/dev/shm"
mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs "$R/run"
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$R/tmp"
if [ "$LAB_INIT" = systemd ]; then
  # systemd writes its status to the console; a host has none.
  touch "$R/dev/console"
  mount --bind "$R/dev/null" "$R/dev/console"
fi

cd "$R"
mkdir -p .lab-oldroot
pivot_root . .lab-oldroot
cd /
# Drops the machine's mounts (and its copies of other hosts' netns files) from this namespace.
umount -l /.lab-oldroot
rmdir /.lab-oldroot

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
if [ "$LAB_INIT" = systemd ]; then
  # systemd moves itself into init.scope and enables controllers below the cgroup root, which
  # only works once the launcher (outside this PID namespace, shown as 0) has left it: wait.
  i=0
  while [ "$(wc -l </sys/fs/cgroup/cgroup.procs)" -gt 1 ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
  echo "host-init: $LAB_HOST booting systemd"
  # CAP_SYS_BOOT stays: reboot(2) in a PID namespace ends this PID 1 with SIGHUP (reboot) or
  # SIGINT (power off), which is how host-boot.sh tells a reboot from a stop.
  exec setpriv --bounding-set -sys_module,-sys_time,-sys_rawio,-syslog \
    env -i container=provision-lab PATH="$PATH" LANG=C.UTF-8 /lib/systemd/systemd
fi

export HOME=/root JAVA_HOME="$LAB_JAVA_HOME" LANG=C.UTF-8
mkdir -p /run/sshd /run/dbus /var/log/firewalld /run/lock
dbus-daemon --system --fork --nopidfile
# firewalld must talk to dbus; it forks nothing itself with --nofork, so tini reaps it.
firewalld --nofork --nopid >/var/log/firewalld/stdout.log 2>&1 &

case ",$LAB_SERVICES," in *,apache,*)
  /usr/local/apache2/bin/apachectl start || echo "host-init: apache failed to start" >&2 ;;
esac
case ",$LAB_SERVICES," in *,tomcat,*)
  CATALINA_HOME=/opt/tomcat CATALINA_BASE=/opt/tomcat /opt/tomcat/bin/catalina.sh start \
    >/dev/null || echo "host-init: tomcat failed to start" >&2 ;;
esac

echo "host-init: $LAB_HOST ready for sshd"
exec tini -s -- /usr/sbin/sshd -D -e
