/**
 * Which tasks wait for a registered result, a set_fact variable or the gathered facts
 * (playbook/reads.ts): a template task also reads what its template file mentions.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadOperations } from '../../src/ops/registry.ts';
import { loadPlaybook } from '../../src/playbook/load.ts';

it('a template task reads the set_fact variables and facts its file mentions (the Galaxy-style role of the twin test)', async () => {
  const pb = await loadPlaybook(join(import.meta.dirname, '../fixtures/galaxy-tomcat/site.yml'), await loadOperations());
  const reads = Object.fromEntries(pb.plays[0]!.tasks.map((t) => [t.name, t.reads ?? []]));
  // setenv.sh.j2 names tomcat_major (a set_fact) and two facts; its task's arguments name none of them.
  expect(reads['tomcat : Configure setenv.sh']).toEqual(['tomcat_major', 'ansible_distribution', 'ansible_distribution_major_version']);
  expect(reads['tomcat : Configure server.xml']).toEqual([]);
  expect(reads['tomcat : Note the Java EE namespace (Tomcat 9 and earlier)']).toEqual(['tomcat_major']);
});
