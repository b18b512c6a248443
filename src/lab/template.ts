/**
 * The lab's shared template layer: one directory on the lab tmpfs that sits between every host's
 * private upper layer and the machine's `/`. It makes a host look like the recipe's CentOS 7 box
 * (release files, tarball-style /opt/tomcat, source-style /usr/local/apache2) and hides the
 * machine's own /root, /opt, /usr/local and /home (opaque directories).
 */
import { chmod, copyFile, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSETS_DIR, JAVA_HOME } from './settings.ts';
import { run } from './run.ts';
import { buildRhelTemplate } from './template-rhel.ts';
import { buildSystemdTemplate } from './template-systemd.ts';
import type { LabInit, LabLayout } from './types.ts';

export { JAVA_HOME };
/** Directories a host must not inherit from the machine. */
export const OPAQUE_DIRS = ['root', 'opt', 'usr/local', 'home'];

const OS_RELEASE = `NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"
# provision lab: a label only; the userland is the machine's Debian.
`;
const RELEASE = 'CentOS Linux release 7.9.2009 (Core)\n';

const SSHD_CONFIG = `# sshd of a provision lab host: the host's own key, key-only root login.
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
UsePAM no
UseDNS no
X11Forwarding no
PrintMotd no
MaxStartups 200:30:400
MaxSessions 64
AcceptEnv LANG LC_*
SetEnv JAVA_HOME=${JAVA_HOME}
Subsystem sftp /usr/lib/openssh/sftp-server
`;

const APACHECTL = `#!/bin/sh
# apachectl of a source-layout httpd: runs the system's httpd binary (Debian's apache2)
# with /usr/local/apache2 as ServerRoot and conf/httpd.conf as its configuration.
HTTPD="/usr/sbin/apache2 -d /usr/local/apache2 -f conf/httpd.conf"
mkdir -p /run/apache2 /run/lock/apache2
case "$1" in
  start|stop|restart|graceful|graceful-stop) exec $HTTPD -k "$@" ;;
  configtest) exec $HTTPD -t ;;
  status) pid=$(cat /usr/local/apache2/logs/httpd.pid 2>/dev/null) && kill -0 "$pid" 2>/dev/null \\
            && { echo "httpd (pid $pid) is running"; exit 0; }; echo "httpd is not running"; exit 3 ;;
  *) exec $HTTPD "$@" ;;
esac
`;
const HTTPD = `#!/bin/sh
# httpd of a source-layout install: the system's httpd binary with this tree as ServerRoot.
mkdir -p /run/apache2 /run/lock/apache2
exec /usr/sbin/apache2 -d /usr/local/apache2 -f conf/httpd.conf "$@"
`;

async function put(path: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text, { mode });
  await chmod(path, mode);
}

async function buildTomcat(t: string): Promise<void> {
  const home = join(t, 'opt/tomcat');
  await mkdir(home, { recursive: true });
  // A tarball has real files; Debian's bin/ and lib/ are symlinks into /usr/share/java.
  await run('cp', ['-rL', '/usr/share/tomcat10/bin', '/usr/share/tomcat10/lib', home]);
  await run('cp', ['-L', '/usr/share/java/eclipse-jdt-core.jar', join(home, 'lib')]);
  await run('cp', ['-rL', '/etc/tomcat10', join(home, 'conf')]);
  await mkdir(join(home, 'webapps'), { recursive: true });
  await run('cp', ['-rL', '/var/lib/tomcat10/webapps/ROOT', join(home, 'webapps/ROOT')]);
  for (const d of ['logs', 'temp', 'work']) await mkdir(join(home, d), { recursive: true });
  const serverXml = join(home, 'conf/server.xml');
  await writeFile(serverXml, (await readFile(serverXml, 'utf8')).replace('<Server port="-1"', '<Server port="8005"'));
  const logging = join(home, 'conf/logging.properties');
  const text = (await readFile(logging, 'utf8')).replace(/org\.apache\.juli\.SystemdFormatter/g, 'org.apache.juli.OneLineFormatter');
  await writeFile(logging, text);
}

async function buildApache(t: string): Promise<void> {
  const root = join(t, 'usr/local/apache2');
  for (const d of ['conf/extra', 'logs', 'htdocs', 'cgi-bin', 'bin']) await mkdir(join(root, d), { recursive: true });
  for (const f of ['conf/httpd.conf', 'conf/extra/httpd-vhosts.conf']) {
    await copyFile(join(ASSETS_DIR, 'apache2', f), join(root, f));
  }
  await copyFile('/etc/mime.types', join(root, 'conf/mime.types'));
  await symlink('/usr/lib/apache2/modules', join(root, 'modules'));
  await put(join(root, 'htdocs/index.html'), '<html><body><h1>It works!</h1></body></html>\n');
  await put(join(root, 'bin/apachectl'), APACHECTL, 0o755);
  await put(join(root, 'bin/httpd'), HTTPD, 0o755);
}

/**
 * Build the template layer at `t`; `publicKey` is authorised for root on every host. systemd hosts
 * get their units; the rhel layout has /etc/httpd instead of /usr/local/apache2.
 */
export async function buildTemplate(
  t: string,
  publicKey: string,
  labDir: string,
  init: LabInit = 'tini',
  layout: LabLayout = 'source',
): Promise<void> {
  // Hosts must not read the lab's own files (its private key) through the machine's `/`.
  await mkdir(join(t, labDir, '..'), { recursive: true });
  await run('mknod', [join(t, labDir), 'c', '0', '0']);
  for (const d of OPAQUE_DIRS) await mkdir(join(t, d), { recursive: true, mode: 0o755 });
  await chmod(join(t, 'root'), 0o700);
  // overlayfs marks a directory opaque with a trusted xattr; Node has no setxattr.
  await run('/usr/bin/python3', [
    '-c',
    'import os,sys\nfor p in sys.argv[1:]: os.setxattr(p, "trusted.overlay.opaque", b"y")',
    ...OPAQUE_DIRS.map((d) => join(t, d)),
  ]);
  for (const d of ['bin', 'etc', 'games', 'include', 'lib', 'libexec', 'sbin', 'share', 'src']) {
    await mkdir(join(t, 'usr/local', d), { recursive: true });
  }
  await put(join(t, 'etc/os-release'), OS_RELEASE);
  await put(join(t, 'etc/centos-release'), RELEASE);
  await put(join(t, 'etc/redhat-release'), RELEASE);
  await put(join(t, 'etc/system-release'), RELEASE);
  await put(join(t, 'etc/ssh/sshd_config'), SSHD_CONFIG);
  // The machine's Debian-package Apache and Tomcat configs are not on a CentOS 7 box with a
  // source-built httpd and a tarball Tomcat: whiteouts hide them, so layout detection sees what the recipe's box has.
  for (const d of ['etc/apache2', 'etc/tomcat10']) await run('mknod', [join(t, d), 'c', '0', '0']);
  // Whiteouts hide the machine's own host keys: a host has only its own.
  for (const f of await readdir('/etc/ssh')) {
    if (f.startsWith('ssh_host_')) await run('mknod', [join(t, 'etc/ssh', f), 'c', '0', '0']);
  }
  await put(join(t, 'etc/profile.d/java.sh'), `export JAVA_HOME=${JAVA_HOME}\n`);
  await mkdir(join(t, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await put(join(t, 'root/.ssh/authorized_keys'), publicKey, 0o600);
  for (const f of ['.bashrc', '.profile']) await copyFile(join('/etc/skel', f), join(t, 'root', f)).catch(() => {});
  await buildTomcat(t);
  if (layout === 'rhel') await buildRhelTemplate(t);
  else await buildApache(t);
  if (init === 'systemd') await buildSystemdTemplate(t, layout);
}
