/** The bench's two scenarios (the recipe, generic tasks) and the recipe's per-host variables. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildCounterWar } from '../../src/ops/tomcat/build-counter.ts';
import { WORK } from './labs.ts';
import { REPO, type Scenario } from './tools.ts';

export const SECRET = 'bench-secret-1';
export const RECIPE = join(REPO, 'playbooks/tomcat-cluster.yml');

/** Both scenarios; builds the counter WAR the recipe deploys (bench/.work/counter.war). */
export function scenarios(): Record<string, Scenario> {
  mkdirSync(WORK, { recursive: true });
  const war = join(WORK, 'counter.war');
  buildCounterWar(war);
  return {
    recipe: {
      name: 'recipe',
      provisionPlaybook: RECIPE,
      ansiblePlaybook: join(REPO, 'bench/ansible/tomcat-cluster.yml'),
      vars: { manage_services: 'false', tomcat_ajp_secret: SECRET, app_src: war, app_name: 'ROOT.war' },
    },
    generic: {
      name: 'generic',
      provisionPlaybook: join(REPO, 'bench/playbooks/generic.yml'),
      ansiblePlaybook: join(REPO, 'bench/playbooks/generic.yml'),
      vars: {},
    },
  };
}

/** The recipe when it exists, else the generic tasks. */
export const defaultScenario = (): string => (existsSync(RECIPE) ? 'recipe' : 'generic');

/**
 * The recipe on every host as its own cluster: jvmRoutes unique across the inventory (provision
 * refuses a route used twice among the play's hosts) and each Apache balancing its own two Tomcats.
 */
export function recipeHostVars(host: string): Record<string, unknown> {
  const id = host.slice(host.lastIndexOf('-') + 1);
  const inst = [
    { home: '/opt/tomcat', jvmRoute: `${id}t1`, ports: { shutdown: 8005, http: 8080, redirect: 8443, ajp: 8009 }, receiverPort: 4000 },
    {
      home: '/opt/tomcat2',
      source: '/opt/tomcat',
      jvmRoute: `${id}t2`,
      ports: { shutdown: 8006, http: 8081, redirect: 8444, ajp: 8010 },
      receiverPort: 4001,
    },
  ];
  const members = inst.map((i) => ({ host: '127.0.0.1', port: i.ports.ajp, route: i.jvmRoute, secret: SECRET }));
  // provision's playbook reads balancer_members through from_yaml.
  return { tomcat_instances: inst, balancer_members: stringify(members) };
}

/** Per-host variables of a scenario. */
export const hostVarsOf = (scenario: string) => (scenario === 'recipe' ? recipeHostVars : () => ({}));
