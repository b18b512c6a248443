/** Shared ConnectionSpec builder for the transport tests. */
import type { ConnectionSpec } from '../../src/transport/types.ts';
import type { TestSshd } from '../helpers/sshd.ts';

/** A strict-checking root spec for the test sshd, with overrides. */
export function specFor(sshd: TestSshd, over: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return {
    name: 'testhost',
    host: sshd.host,
    port: sshd.port,
    user: 'root',
    privateKeyFile: sshd.keyPath,
    become: false,
    hostKeyChecking: 'strict',
    knownHostsFile: sshd.knownHostsPath,
    connectTimeoutMs: 5_000,
    connectAttempts: 1,
    ...over,
  };
}
