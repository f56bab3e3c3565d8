import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/azurite.ts', 'test/setup/s3.ts', 'test/setup/dynamodb.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
