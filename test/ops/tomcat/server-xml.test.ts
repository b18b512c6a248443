import { describe, expect, it } from 'vitest';
import { buildClusterXml } from '../../../src/ops/tomcat/cluster.ts';
import { editServerXml, resolvePorts } from '../../../src/ops/tomcat/server-xml.ts';
import { parseVersionArg } from '../../../src/ops/tomcat/version.ts';
import { findAll, parseXml } from '../../../src/xml/index.ts';
import { fixture } from './facts.ts';
import { changed } from './lines.ts';

const clusters = (t: string) => {
  const d = parseXml(t, 'x');
  return findAll(d, 'Server/Service/Engine/Cluster').length + findAll(d, 'Server/Service/Engine/Host/Cluster').length;
};

const SRC = fixture('server-10.1.xml');
const V101 = parseVersionArg('10.1.60')!;
const STATIC = {
  members: [
    { host: '10.0.0.11', port: 4000 },
    { host: '10.0.0.12', port: 4000 },
  ],
  receiver: { address: '10.0.0.11', port: 4000 },
};

function instance2(): string {
  const resolved = resolvePorts(SRC, 'server.xml', { offset: 1, shutdown: 8006 }, true);
  return editServerXml(SRC, 'server.xml', { resolved, ajp: { secret: 'S3cr3t' }, jvmRoute: 'tomcat2', version: V101 });
}

describe('server.xml of a second instance (real Tomcat 10.1 file)', () => {
  it('matches the golden file', () => {
    expect(instance2()).toBe(fixture('server-10.1.instance2.golden.xml'));
  });

  it('touches only the port, AJP and Engine lines', () => {
    const { removed, added } = changed(SRC, instance2());
    expect(removed.map((l) => l.trim())).toEqual([
      '<Server port="-1" shutdown="SHUTDOWN">',
      '<Connector port="8080" protocol="HTTP/1.1"',
      'redirectPort="8443"',
      '<!--',
      'address="::1"',
      'port="8009"',
      'redirectPort="8443"',
      '-->',
      '<Engine name="Catalina" defaultHost="localhost">',
    ]);
    expect(added.map((l) => l.trim())).toEqual([
      '<Server port="8006" shutdown="SHUTDOWN">',
      '<Connector port="8081" protocol="HTTP/1.1"',
      'redirectPort="8444"',
      'address="127.0.0.1"',
      'port="8010"',
      'redirectPort="8444"',
      'secret="S3cr3t"',
      '<Engine name="Catalina" defaultHost="localhost" jvmRoute="tomcat2">',
    ]);
  });

  it('is idempotent: planning on the output changes nothing', () => {
    const out = instance2();
    const resolved = resolvePorts(SRC, 'server.xml', { offset: 1, shutdown: 8006 }, true);
    expect(editServerXml(out, 'server.xml', { resolved, ajp: { secret: 'S3cr3t' }, jvmRoute: 'tomcat2', version: V101 })).toBe(out);
  });

  it('refuses an AJP connector without a secret on Tomcat 10.1, unless told secretRequired: false', () => {
    expect(() => editServerXml(SRC, 'server.xml', { ajp: {}, version: V101 })).toThrow(/needs a secret/);
    const out = editServerXml(SRC, 'server.xml', { ajp: { secretRequired: false, address: '0.0.0.0' }, version: V101 });
    expect(out).toMatch(/address="0\.0\.0\.0"\n\s+port="8009"[\s\S]*secretRequired="false"/);
    expect(out).not.toContain('secret=');
  });

  it('adds a connector after the HTTP one when none exists, even commented out', () => {
    const bare = [
      '<Server port="8005">',
      '  <Service name="Catalina">',
      '    <Connector port="8080" redirectPort="8443"/>',
      '    <Engine name="Catalina" defaultHost="localhost"/>',
      '  </Service>',
      '</Server>',
      '',
    ].join('\n');
    const out = editServerXml(bare, 'server.xml', { ajp: { secret: 'x' }, version: V101 });
    expect(out).toBe(
      bare.replace(
        'redirectPort="8443"/>\n',
        'redirectPort="8443"/>\n    <Connector protocol="AJP/1.3" port="8009" address="127.0.0.1" secret="x"/>\n',
      ),
    );
  });
});

describe('<Cluster>', () => {
  it('multicast and static forms match the golden files and change only the Engine area', () => {
    const mcast = editServerXml(SRC, 'server.xml', { jvmRoute: 'tomcat1', cluster: { receiver: { port: 4000 } }, version: V101 });
    expect(mcast).toBe(fixture('server-10.1.cluster-mcast.golden.xml'));
    const stat = editServerXml(SRC, 'server.xml', { jvmRoute: 'tomcat1', cluster: STATIC, version: V101 });
    expect(stat).toBe(fixture('server-10.1.cluster-static.golden.xml'));
    const { removed } = changed(SRC, stat);
    expect(removed.map((l) => l.trim())).toEqual([
      '<Engine name="Catalina" defaultHost="localhost">',
      '<!--',
      '<Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster"/>',
      '-->',
    ]);
    expect(editServerXml(stat, 'server.xml', { jvmRoute: 'tomcat1', cluster: STATIC, version: V101 })).toBe(stat);
  });

  it('uses class names that exist in the installed version', () => {
    const t7 = buildClusterXml(STATIC, parseVersionArg('7.0.109')!);
    expect(t7).toContain('MessageDispatch15Interceptor');
    expect(t7).toContain('StaticMembershipInterceptor');
    expect(t7).toContain('host="10.0.0.12"');
    expect(t7).not.toContain('host="10.0.0.11"');
    for (const v of ['8.5.100', '9.0.16']) {
      const x = buildClusterXml(STATIC, parseVersionArg(v)!);
      expect(x).toContain('StaticMembershipInterceptor');
      expect(x).not.toContain('MessageDispatch15Interceptor');
    }
    expect(buildClusterXml({}, V101)).not.toContain('FarmWarDeployer');
    expect(buildClusterXml({ farmDeployer: true }, V101)).toContain('<Deployer className="org.apache.catalina.ha.deploy.FarmWarDeployer"');
    for (const v of ['9.0.17', '10.1.60', '11.0.2']) {
      const x = buildClusterXml(STATIC, parseVersionArg(v)!);
      expect(x).toContain('membership.StaticMembershipService');
      expect(x).not.toMatch(/MessageDispatch15Interceptor|StaticMembershipInterceptor|McastService/);
    }
  });

  it('replaces an older Tomcat 7-style <Cluster> (in Engine or Host) and keeps the rest', () => {
    const old = SRC.replace(
      '      <Realm className="org.apache.catalina.realm.LockOutRealm">',
      [
        '      <Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster">',
        '        <Channel className="org.apache.catalina.tribes.group.GroupChannel">',
        '          <Interceptor className="org.apache.catalina.tribes.group.interceptors.MessageDispatch15Interceptor"/>',
        '        </Channel>',
        '      </Cluster>',
        '      <Realm className="org.apache.catalina.realm.LockOutRealm">',
      ].join('\n'),
    );
    const out = editServerXml(old, 'server.xml', { cluster: {}, version: V101 });
    expect(out).not.toContain('MessageDispatch15Interceptor');
    expect(clusters(out)).toBe(1);
    expect(out).toContain('<!--\n      <Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster"/>\n      -->');
    const inHost = SRC.replace(
      'unpackWARs="true" autoDeploy="true">',
      'unpackWARs="true" autoDeploy="true">\n        <Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster"/>',
    );
    const moved = editServerXml(inHost, 'server.xml', { cluster: {}, version: V101 });
    expect(clusters(moved)).toBe(1);
    expect(moved).toBe(editServerXml(SRC, 'server.xml', { cluster: {}, version: V101 }));
  });
});
