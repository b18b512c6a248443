import { describe, expect, it } from 'vitest';
import { makeMasker, MASK } from '../../src/core/mask.ts';

describe('masking', () => {
  const mask = makeMasker(['inventory-secret-1', undefined, 'ab']);

  it('masks the known secret values (3+ characters) everywhere', () => {
    expect(mask('x inventory-secret-1 y')).toBe(`x ${MASK} y`);
    expect(mask('ab stays: too short to mask safely')).toBe('ab stays: too short to mask safely');
  });

  it('masks the value of secret-bearing keys whatever it is: a secret hand-edited into a managed file', () => {
    expect(mask('<Connector protocol="AJP/1.3" port="8009" secret="handEdited42" />')).toBe(
      `<Connector protocol="AJP/1.3" port="8009" secret="${MASK}" />`,
    );
    expect(mask('BalancerMember ajp://10.0.0.1:8009 route=tomcat1 secret=handEdited42 retry=5')).toBe(
      `BalancerMember ajp://10.0.0.1:8009 route=tomcat1 secret=${MASK} retry=5`,
    );
    expect(mask(`<user username="admin" password='s3'/> keystorePass="k" certificateKeystorePassword="changeit"`)).toBe(
      `<user username="admin" password='${MASK}'/> keystorePass="${MASK}" certificateKeystorePassword="${MASK}"`,
    );
  });

  it('leaves prose and other keys alone', () => {
    const prose = 'the AJP secret differs (BalancerMember secret= in Apache); route=tomcat1 bypass=1';
    expect(mask(prose)).toBe(prose);
  });
});
