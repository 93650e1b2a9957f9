// ESM jest: run under `node --experimental-vm-modules` (scripts/test.mjs does that).
const tsJest = ['ts-jest', { useESM: true, tsconfig: { isolatedModules: true } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: {
    '^@deploy-kit/core$': '<rootDir>/packages/core/src/index.ts',
    '^@deploy-kit/core/(.*)$': '<rootDir>/packages/core/src/$1.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  // ESM test modules are re-evaluated per file and vm contexts grow; recycle a worker past this.
  workerIdleMemoryLimit: '1GB',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/__tests__/**/*.test.ts', '<rootDir>/actions/*/__tests__/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'action',
      testMatch: ['<rootDir>/action-tests/**/*.test.ts'],
      testTimeout: 60000,
    },
  ],
};
