/**
 * The `rhel` layout of the template: what `yum install httpd` and a tarball Tomcat installed the
 * CentOS 7 way leave on a box: /etc/httpd (conf/, conf.d/, conf.modules.d/, modules, logs, run),
 * httpd.service, apachectl, an `apache` user, and /opt/tomcat run by `tomcat.service` as user
 * tomcat. The binaries behind them are the machine's Debian ones (`/usr/sbin/httpd` runs apache2).
 */
import { appendFile, chmod, copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './run.ts';
import { JAVA_HOME } from './settings.ts';

/** CentOS 7's httpd.conf without its comments (same directives, same order). */
const HTTPD_CONF = `# /etc/httpd/conf/httpd.conf of CentOS 7's httpd package (comments left out).
ServerRoot "/etc/httpd"
Listen 80
Include conf.modules.d/*.conf
User apache
Group apache
ServerAdmin root@localhost
<Directory />
    AllowOverride none
    Require all denied
</Directory>
DocumentRoot "/var/www/html"
<Directory "/var/www">
    AllowOverride None
    Require all granted
</Directory>
<Directory "/var/www/html">
    Options Indexes FollowSymLinks
    AllowOverride None
    Require all granted
</Directory>
<IfModule dir_module>
    DirectoryIndex index.html
</IfModule>
<Files ".ht*">
    Require all denied
</Files>
ErrorLog "logs/error_log"
LogLevel warn
<IfModule log_config_module>
    LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
    LogFormat "%h %l %u %t \\"%r\\" %>s %b" common
    CustomLog "logs/access_log" combined
</IfModule>
<IfModule alias_module>
    ScriptAlias /cgi-bin/ "/var/www/cgi-bin/"
</IfModule>
<IfModule mime_module>
    TypesConfig /etc/mime.types
    AddType application/x-compress .Z
    AddType application/x-gzip .gz .tgz
</IfModule>
AddDefaultCharset UTF-8
EnableSendfile on
# The lab's httpd binary is Debian's: its compiled-in pid file and runtime dir are elsewhere.
PidFile run/httpd.pid
DefaultRuntimeDir run
IncludeOptional conf.d/*.conf
`;

/** conf.modules.d as CentOS 7 ships it, limited to modules Debian's build has (no mod_systemd). */
const MODULES: Record<string, string[]> = {
  '00-base.conf': [
    'access_compat',
    'alias',
    'auth_basic',
    'authn_core',
    'authn_file',
    'authz_core',
    'authz_groupfile',
    'authz_host',
    'authz_user',
    'autoindex',
    'dir',
    'env',
    'expires',
    'filter',
    'headers',
    'mime',
    'negotiation',
    'reqtimeout',
    'rewrite',
    'setenvif',
    'slotmem_shm',
    'socache_shmcb',
    'status',
  ],
  '00-mpm.conf': ['mpm_prefork'],
  '00-proxy.conf': ['proxy', 'lbmethod_byrequests', 'proxy_ajp', 'proxy_balancer', 'proxy_http'],
};

const HTTPD_SERVICE = `[Unit]
Description=The Apache HTTP Server
After=network.target remote-fs.target nss-lookup.target
Documentation=man:httpd(8)
Documentation=man:apachectl(8)

[Service]
# CentOS 7 has Type=notify (mod_systemd); the lab's Debian httpd binary has no mod_systemd.
Type=simple
EnvironmentFile=/etc/sysconfig/httpd
ExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND
ExecReload=/usr/sbin/httpd $OPTIONS -k graceful
ExecStop=/bin/kill -WINCH \${MAINPID}
# Send SIGWINCH for graceful stop
KillSignal=SIGCONT
PrivateTmp=true

[Install]
WantedBy=multi-user.target
`;

const HTTPD_BIN = `#!/bin/sh
# httpd of the lab's rhel layout: Debian's apache2 binary with /etc/httpd as its ServerRoot.
mkdir -p /run/httpd /run/apache2 /run/lock/apache2
exec /usr/sbin/apache2 -d /etc/httpd -f conf/httpd.conf "$@"
`;

const APACHECTL = `#!/bin/sh
# apachectl as CentOS 7 ships it: start/stop/restart through systemd, the rest through httpd.
case "$1" in
  start|stop|restart|status) exec /bin/systemctl "$1" httpd.service ;;
  graceful) if /bin/systemctl -q is-active httpd.service; then exec /bin/systemctl reload httpd.service; fi
            exec /bin/systemctl start httpd.service ;;
  configtest) exec /usr/sbin/httpd -t ;;
  *) exec /usr/sbin/httpd "$@" ;;
esac
`;

/** A tarball Tomcat's unit as CentOS 7 users write it (one per instance). */
export function tomcatUnit(base: string, description = 'Apache Tomcat Web Application Container'): string {
  return `[Unit]
Description=${description}
After=syslog.target network.target

[Service]
Type=forking
Environment=JAVA_HOME=${JAVA_HOME}
Environment=CATALINA_PID=${base}/temp/tomcat.pid
Environment=CATALINA_HOME=/opt/tomcat
Environment=CATALINA_BASE=${base}
Environment='CATALINA_OPTS=-Xms64M -Xmx256M -server'
ExecStart=/opt/tomcat/bin/startup.sh
ExecStop=/opt/tomcat/bin/shutdown.sh
SuccessExitStatus=143
User=tomcat
Group=tomcat
UMask=0007

[Install]
WantedBy=multi-user.target
`;
}

async function put(path: string, text: string, mode = 0o644): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text, { mode });
  await chmod(path, mode);
}

/** /etc/passwd, group and shadow of the machine plus CentOS's `apache` user (uid/gid 48). */
async function addApacheUser(t: string): Promise<void> {
  for (const [f, line] of [
    ['passwd', 'apache:x:48:48:Apache:/usr/share/httpd:/sbin/nologin'],
    ['group', 'apache:x:48:'],
    ['shadow', 'apache:!!:19000::::::'],
  ] as const) {
    const text = await readFile(`/etc/${f}`, 'utf8');
    await copyFile(`/etc/${f}`, join(t, 'etc', f));
    if (!text.split('\n').some((l) => l.startsWith('apache:'))) await appendFile(join(t, 'etc', f), `${line}\n`);
  }
}

/** Add the rhel layout to the template at `t` (after the shared /opt/tomcat is built). */
export async function buildRhelTemplate(t: string): Promise<void> {
  await addApacheUser(t);
  const h = join(t, 'etc/httpd');
  await put(join(h, 'conf/httpd.conf'), HTTPD_CONF);
  await copyFile('/etc/mime.types', join(t, 'etc/mime.types')).catch(() => {});
  for (const [file, mods] of Object.entries(MODULES)) {
    await put(join(h, 'conf.modules.d', file), mods.map((m) => `LoadModule ${m}_module modules/mod_${m}.so`).join('\n') + '\n');
  }
  await put(
    join(h, 'conf.d/README'),
    'Files in this directory ending in .conf are included by httpd.conf (IncludeOptional conf.d/*.conf).\n',
  );
  await symlink('/usr/lib/apache2/modules', join(h, 'modules'));
  await symlink('/var/log/httpd', join(h, 'logs'));
  await symlink('/run/httpd', join(h, 'run'));
  await mkdir(join(t, 'var/log/httpd'), { recursive: true, mode: 0o700 });
  await put(join(t, 'var/www/html/index.html'), '<html><body><h1>Testing 123..</h1></body></html>\n');
  await put(join(t, 'etc/sysconfig/httpd'), '# /etc/sysconfig/httpd\nOPTIONS=\nLANG=C\n');
  await put(join(t, 'usr/lib/systemd/system/httpd.service'), HTTPD_SERVICE);
  await put(join(t, 'usr/sbin/httpd'), HTTPD_BIN, 0o755);
  await put(join(t, 'usr/sbin/apachectl'), APACHECTL, 0o755);
  await put(join(t, 'etc/systemd/system/tomcat.service'), tomcatUnit('/opt/tomcat'));
  // As the CentOS 7 guides set it up: conf readable by group tomcat, the rest owned by tomcat.
  const home = join(t, 'opt/tomcat');
  await run('chgrp', ['-R', 'tomcat', home]);
  await run('chmod', ['-R', 'g+rX', home]);
  for (const d of ['webapps', 'work', 'temp', 'logs']) await run('chown', ['-R', 'tomcat:tomcat', join(home, d)]);
}
