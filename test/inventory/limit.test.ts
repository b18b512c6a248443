import { beforeAll, describe, expect, it } from 'vitest';
import { InventoryError } from '../../src/core/errors.ts';
import { loadInventory } from '../../src/inventory/load.ts';
import { selectHosts } from '../../src/inventory/limit.ts';
import type { Inventory } from '../../src/inventory/types.ts';

let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory('test/fixtures/inventory/ansible-docs/groups-of-groups.yml');
});
const sel = (limit: string | undefined, play?: string): string[] => selectHosts(inv, limit, play);
const ALL = ['mail.example.com', 'foo.example.com', 'bar.example.com', 'one.example.com', 'two.example.com', 'three.example.com'];

describe('selectHosts: Ansible host patterns', () => {
  it('selects everything for all, *, and no limit', () => {
    expect(sel(undefined)).toEqual(ALL);
    expect(sel('all')).toEqual(ALL);
    expect(sel('*')).toEqual(ALL);
    expect(sel('   ')).toEqual(ALL);
  });

  it('selects a host by name and a group by name (with its child groups)', () => {
    expect(sel('two.example.com')).toEqual(['two.example.com']);
    expect(sel('webservers')).toEqual(['foo.example.com', 'bar.example.com']);
    expect(sel('prod')).toEqual(['foo.example.com', 'one.example.com', 'two.example.com']);
  });

  it("a:b and a,b are unions, in the pattern's order (as Ansible orders a play's hosts)", () => {
    expect(sel(undefined, 'dbservers:webservers')).toEqual([
      'one.example.com',
      'two.example.com',
      'three.example.com',
      'foo.example.com',
      'bar.example.com',
    ]);
    expect(sel(undefined, 'webservers,mail.example.com')).toEqual(['foo.example.com', 'bar.example.com', 'mail.example.com']);
    // --limit only filters; the order stays the play's.
    expect(sel('webservers,mail.example.com')).toEqual(['mail.example.com', 'foo.example.com', 'bar.example.com']);
  });

  it('a:&b intersects, a:!b and !b exclude', () => {
    expect(sel('webservers:&prod')).toEqual(['foo.example.com']);
    expect(sel('dbservers:!east')).toEqual(['three.example.com']);
    expect(sel('!dbservers')).toEqual(['mail.example.com', 'foo.example.com', 'bar.example.com']);
    expect(sel('all:!prod:!test')).toEqual(['mail.example.com']);
  });

  it('matches globs, ~regex and subscripts', () => {
    expect(sel('t*.example.com')).toEqual(['two.example.com', 'three.example.com']);
    expect(sel('web*')).toEqual(['foo.example.com', 'bar.example.com']);
    expect(sel('~(one|two)\\.example')).toEqual(['one.example.com', 'two.example.com']);
    expect(sel('dbservers[0]')).toEqual(['one.example.com']);
    expect(sel('dbservers[-1]')).toEqual(['three.example.com']);
    expect(sel('dbservers[1:]')).toEqual(['two.example.com', 'three.example.com']);
  });

  it("restricts a play's hosts: to --limit, keeping the play's order", () => {
    expect(sel('east', 'dbservers')).toEqual(['one.example.com', 'two.example.com']);
    expect(sel(undefined, 'west')).toEqual(['bar.example.com', 'three.example.com']);
    expect(sel('webservers', 'dbservers')).toEqual([]);
  });

  it('an undefined group in --limit is an error naming it, the known groups and a near miss', () => {
    const err = (() => {
      try {
        sel('webserver:!east');
      } catch (e) {
        return e;
      }
    })() as InventoryError;
    expect(err).toBeInstanceOf(InventoryError);
    expect(err.message).toBe(
      'no host or group matches `webserver` in --limit; ' +
        'groups are `all`, `ungrouped`, `webservers`, `dbservers`, `east`, `west`, `prod`, `test`',
    );
    expect(err.hint).toMatch(/^did you mean `webservers`\?/);
    expect(() => sel('all:!nosuch')).toThrow(/no host or group matches `nosuch` in --limit/);
    expect(() => sel('zz*')).toThrow(/matches `zz\*`/);
  });

  it("an unknown name in a play's hosts: is an error at the play's position", () => {
    const pos = { file: 'site.yml', line: 3, column: 10 };
    expect(() => selectHosts(inv, undefined, 'tomcat', { playHostsPos: pos })).toThrow(
      /^site\.yml:3:10: no host or group matches `tomcat` in the play's `hosts:`/,
    );
  });

  it('rejects a subscript past the end and a broken regex', () => {
    expect(() => sel('webservers[5]')).toThrow('`webservers[5]` in --limit is out of range: `webservers` has 2 host(s)');
    expect(() => sel('~web(')).toThrow(/invalid regular expression `~web\(` in --limit/);
  });

  it('an empty group is not an error', () => {
    expect(sel('all:!ungrouped')).toEqual(ALL.slice(1));
  });
});
