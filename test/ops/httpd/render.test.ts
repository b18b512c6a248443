import { describe, expect, it } from 'vitest';
import { OperationError } from '../../../src/core/errors.ts';
import { renderBalancerBlock, validateBalancer, type BalancerSpec } from '../../../src/ops/httpd/render.ts';

const base: BalancerSpec = {
  name: 'app',
  members: [{ host: 'app1.internal', port: 8080, route: 'a', protocol: 'http' }],
  path: '/shop/',
  stickysession: 'JSESSIONID|jsessionid',
  retry: 0,
  port: 8000,
};

describe('renderBalancerBlock', () => {
  it('maps the path to the same path on the members, with the retry given', () => {
    expect(renderBalancerBlock(base).split('\n')).toEqual([
      '<VirtualHost *:8000>',
      '    <Proxy "balancer://app">',
      '        BalancerMember "http://app1.internal:8080" route=a retry=0',
      '    </Proxy>',
      '    ProxyPass "/shop/" "balancer://app/shop/" stickysession=JSESSIONID|jsessionid',
      '    ProxyPassReverse "/shop/" "balancer://app/shop/"',
      '</VirtualHost>',
    ]);
  });
});

describe('validateBalancer', () => {
  const bad = (patch: Partial<BalancerSpec>, member: Partial<BalancerSpec['members'][0]> = {}) => {
    const spec = { ...base, ...patch, members: patch.members ?? [{ ...base.members[0]!, ...member }] };
    try {
      validateBalancer(spec);
    } catch (e) {
      expect(e).toBeInstanceOf(OperationError);
      return (e as OperationError).message;
    }
    return 'accepted';
  };

  it('refuses values that would inject config lines or break parsing', () => {
    expect(bad({}, { route: 'a\nProxyPass / http://evil/' })).toMatch(/^route "a\nProxyPass/);
    expect(bad({}, { host: 'h ost' })).toBe('member host "h ost" is not a host name or address');
    expect(bad({ path: '/a b' })).toBe('path "/a b" is not valid');
    expect(bad({ serverName: 'x\ny' })).toMatch(/^server_name/);
    expect(bad({}, { protocol: 'ajp', secret: 'a${HOME}' })).toMatch(/AJP secret of app1.internal:8080 contains/);
    expect(bad({}, { secret: 'abc' })).toBe('member app1.internal:8080 has a secret but speaks http');
    expect(bad({ members: [] })).toBe('the balancer has no members');
  });

  it("accepts the recipe's values", () => {
    expect(bad({ serverName: 'www.example.com' }, { host: '10.0.0.5', protocol: 'ajp', secret: 'Zx9!-_.~%' })).toBe('accepted');
  });
});

describe('httpd_balancer schema', () => {
  it('accepts the recipe and rejects unknown keys and protocols, under strict ajv', async () => {
    const { Ajv } = await import('ajv');
    const { httpdBalancerSchema } = await import('../../../src/ops/httpd/balancer.ts');
    const { recipeArgs } = await import('./args.ts');
    const validate = new Ajv({ strict: true }).compile(httpdBalancerSchema);
    expect(validate(recipeArgs)).toBe(true);
    expect(validate({ ...recipeArgs, retries: 3 })).toBe(false);
    expect(validate({ ...recipeArgs, members: [{ host: 'h', port: 8009, route: 'r', protocol: 'h2' }] })).toBe(false);
    expect(validate({ ...recipeArgs, layout: 'arch' })).toBe(false);
  });
});
