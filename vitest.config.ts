import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Lab hosts and Tomcats start once per file in beforeAll; those hooks need time.
    hookTimeout: 300_000,
    testTimeout: 120_000,
    pool: 'forks',
    // Two cores: more files at once only makes the Tomcat-heavy end-to-end files slower.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
