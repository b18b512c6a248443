/**
 * What a systemd lab host adds to the template layer: an opaque /etc/systemd/system (none of the
 * machine's enabled units), the units that cannot work in a host masked, sshd and firewalld enabled,
 * and per host (its upper layer) the units of its services.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './run.ts';
import { JAVA_HOME } from './settings.ts';
import type { LabLayout } from './types.ts';

/** Units a host cannot run (no udev, kernel modules, consoles, clock, firmware) or must not (timers of the machine). */
export const MASKED_UNITS = [
  'systemd-udevd.service',
  'systemd-udevd-control.socket',
  'systemd-udevd-kernel.socket',
  'systemd-udev-trigger.service',
  'systemd-udev-settle.service',
  'systemd-hwdb-update.service',
  'getty.target',
  'getty@.service',
  'getty-static.service',
  'serial-getty@.service',
  'console-getty.service',
  'container-getty@.service',
  'systemd-modules-load.service',
  'kmod-static-nodes.service',
  'systemd-binfmt.service',
  'proc-sys-fs-binfmt_misc.automount',
  'proc-sys-fs-binfmt_misc.mount',
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
  'sys-kernel-config.mount',
  'sys-fs-fuse-connections.mount',
  'dev-hugepages.mount',
  'systemd-remount-fs.service',
  'systemd-timesyncd.service',
  'systemd-pstore.service',
  'systemd-journald-audit.socket',
  'systemd-ask-password-console.path',
  'systemd-ask-password-wall.path',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'dpkg-db-backup.timer',
  'man-db.timer',
  'fstrim.timer',
];

const LAB_SERVICES_UNIT = `# provision lab: the source layout's Apache and Tomcat, started by their own scripts at boot
# (as on the recipe's box, where nothing else starts them).
[Unit]
Description=provision lab: Apache (apachectl) and Tomcat (catalina.sh) of the source layout
After=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
Environment=JAVA_HOME=${JAVA_HOME} CATALINA_HOME=/opt/tomcat CATALINA_BASE=/opt/tomcat LANG=C.UTF-8
EnvironmentFile=/etc/default/lab-services
ExecStart=/bin/sh -c 'case ",$LAB_SERVICES," in *,apache,*) /usr/local/apache2/bin/apachectl start ;; esac'
ExecStart=/bin/sh -c 'case ",$LAB_SERVICES," in *,tomcat,*) /opt/tomcat/bin/catalina.sh start ;; esac'

[Install]
WantedBy=multi-user.target
`;

async function link(target: string, path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await symlink(target, path);
}

/** The systemd part of the template at `t`. */
export async function buildSystemdTemplate(t: string, layout: LabLayout): Promise<void> {
  const etc = join(t, 'etc/systemd/system');
  await mkdir(etc, { recursive: true });
  // The machine's own enabled units (its Apache, Tomcat, databases, gettys) stay out of every host.
  await run('/usr/bin/python3', ['-c', 'import os,sys\nos.setxattr(sys.argv[1], "trusted.overlay.opaque", b"y")', etc]);
  await link('/lib/systemd/system/multi-user.target', join(etc, 'default.target'));
  for (const u of MASKED_UNITS) await link('/dev/null', join(etc, u));
  await link('/lib/systemd/system/ssh.service', join(etc, 'multi-user.target.wants/ssh.service'));
  await link('/lib/systemd/system/ssh.service', join(etc, 'sshd.service'));
  await link('/lib/systemd/system/firewalld.service', join(etc, 'multi-user.target.wants/firewalld.service'));
  await link('/lib/systemd/system/firewalld.service', join(etc, 'dbus-org.fedoraproject.FirewallD1.service'));
  if (layout === 'source') await writeFile(join(etc, 'lab-services.service'), LAB_SERVICES_UNIT);
}

/** Units of the host's services, enabled in its upper layer (none with `services` off). */
export async function enableHostServices(upper: string, layout: LabLayout, services: string[]): Promise<void> {
  const wants = join(upper, 'etc/systemd/system/multi-user.target.wants');
  if (services.length === 0) return;
  if (layout === 'source') {
    await mkdir(join(upper, 'etc/default'), { recursive: true });
    await writeFile(join(upper, 'etc/default/lab-services'), `LAB_SERVICES=${services.join(',')}\n`);
    await link('/etc/systemd/system/lab-services.service', join(wants, 'lab-services.service'));
    return;
  }
  if (services.includes('apache')) await link('/usr/lib/systemd/system/httpd.service', join(wants, 'httpd.service'));
  if (services.includes('tomcat')) await link('/etc/systemd/system/tomcat.service', join(wants, 'tomcat.service'));
}
