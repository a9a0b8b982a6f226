// Lint configuration: typescript-eslint's recommended rules plus the few we rely on.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['node_modules/**', '**/*.d.ts', '**/zz-*', '**/*.tmp.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // protocol/ is pure: no I/O, no clock, no randomness it was not handed.
    files: ['protocol/**/*.ts'],
    ignores: ['protocol/**/*.test.ts', 'protocol/tools/**', 'protocol/testing/**', 'protocol/codes/generate.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'net', 'node:http', 'http', 'node:https', 'https', 'node:http2', 'node:tls', 'node:dns', 'node:dgram', 'node:child_process', 'child_process', 'node:os', 'os', 'node:worker_threads', 'node:process', 'libp2p', '@libp2p/*', 'level', 'classic-level'], message: 'protocol/ does no I/O' },
          { group: ['../node/*', '../cli/*', '../adapters/*', '../../node/*', '../../cli/*', '../../adapters/*'], message: 'imports flow protocol <- node <- cli' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'protocol/ does no I/O' }, { name: 'process', message: 'protocol/ reads no environment' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'protocol/ takes the time it is handed' }, { object: 'Math', property: 'random', message: 'protocol/ takes the randomness it is handed' }],
    },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
)
