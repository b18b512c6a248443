#!/bin/sh
# Boots one lab host. Started by src/lab/host.ts through
#   nsenter --net=/run/netns/HOST unshare --mount --uts --ipc --pid --fork sh host-init.sh
# so this shell is PID 1 of a fresh PID namespace with private mount, UTS and IPC namespaces.
# It builds the host's root (overlay: template + machine's / below, private upper on the lab's
# tmpfs), pivots into it, starts dbus + firewalld (and Apache/Tomcat when asked), then becomes
# tini running sshd -D. Killing that PID 1 ends every process of the host.
set -eu
: "${LAB_HOST:?}" "${LAB_ROOT:?}" "${LAB_UPPER:?}" "${LAB_WORK:?}" "${LAB_TEMPLATE:?}"
: "${LAB_JAVA_HOME:=/usr/lib/jvm/java-17-openjdk-amd64}" "${LAB_SERVICES:=}"

hostname "$LAB_HOST"
# Nothing mounted here may leak back to the machine.
mount --make-rprivate /
mount -t overlay overlay \
  -o "lowerdir=$LAB_TEMPLATE:/,upperdir=$LAB_UPPER,workdir=$LAB_WORK" "$LAB_ROOT"
R=$LAB_ROOT
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t sysfs -o nosuid,nodev,noexec sysfs "$R/sys"
mount -t tmpfs -o nosuid,mode=755,size=16m tmpfs "$R/dev"
# A minimal /dev: the character devices daemons and shells expect, and a private devpts.
for spec in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r name major minor <<EOF
$spec
EOF
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

cd "$R"
mkdir -p .lab-oldroot
pivot_root . .lab-oldroot
cd /
# Drops the machine's mounts (and its copies of other hosts' netns files) from this namespace.
umount -l /.lab-oldroot
rmdir /.lab-oldroot

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
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
