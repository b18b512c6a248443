import { defineConfig } from 'vitest/config';

/** Tier 2: the transport against a real OpenSSH server the tests start on loopback. */
const SSH = ['test/transport/**/*.test.ts'];
/** Tier 3: end to end with real programs (lab hosts, Tomcat, Vagrant). */
const E2E = ['test/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    // Lab hosts and Tomcats start once per file in beforeAll; those hooks need time.
    hookTimeout: 300_000,
    testTimeout: 120_000,
    pool: 'forks',
    // Two cores: more files at once only makes the Tomcat-heavy end-to-end files slower.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
    // One project per tier, so each runs alone (`npm run test:unit|test:ssh|test:e2e`); `npm test` runs all.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...SSH, ...E2E] } },
      { extends: true, test: { name: 'ssh', include: SSH } },
      { extends: true, test: { name: 'e2e', include: E2E } },
    ],
  },
});
