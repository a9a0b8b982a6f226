import { defineConfig } from 'vitest/config'
import { SummaryReporter } from './test-network/summary-reporter.ts'

// Tests live beside the code they test (*.test.ts). Real xmllint, real files, real processes.
export default defineConfig({
  test: {
    include: ['{protocol,shared,node,adapters,cli,test-network,deploy}/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    reporters: ['default', new SummaryReporter()],
  },
})
