// Writes the example counter app as a WAR: `npx tsx scripts/build-counter-war.ts [out.war]`.
import { buildCounterWar } from '../src/ops/tomcat/build-counter.ts';

const out = process.argv[2] ?? 'counter.war';
buildCounterWar(out);
console.log(`wrote ${out}`);
