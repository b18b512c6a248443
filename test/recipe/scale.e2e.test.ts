/**
 * The recipe's configuration on 30 lab hosts at once (forks 30, services not started): every host
 * converges, and the rerun changes nothing in one connection and at most 3 round trips per host.
 * (This is where a transport race once lost exit statuses of commands on a third of the hosts.)
 */
import { describe, expect, it } from 'vitest';
import { useLab } from '../helpers/lab.ts';
import { cli } from '../helpers/recipe.ts';

const lab = useLab({ profile: 'scale', hosts: 30 });

describe('the recipe on 30 hosts', () => {
  it('converges on every host, then reruns with changed=0 in ≤3 round trips each', async () => {
    const args = ['-i', lab.info.inventoryPath, '--forks', '30', '-e', 'manage_services=false', '--json'];
    const first = await cli(args);
    expect(first.code, first.out.slice(-3000)).toBe(0);
    const recap = Object.entries(first.json!.recap);
    expect(recap).toHaveLength(30);
    for (const [, r] of recap) expect(r).toMatchObject({ failed: 0 });

    const second = await cli(args);
    expect(second.code, second.out.slice(-3000)).toBe(0);
    for (const [h, r] of Object.entries(second.json!.recap)) {
      expect(r.changed, h).toBe(0);
      expect(r.roundTrips, h).toBeLessThanOrEqual(3);
    }
  });
});
