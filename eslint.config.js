// Lint configuration: typescript-eslint's recommended rules plus the few we rely on.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

const FOLDERS_ABOVE_PROTOCOL = ['shared', 'node', 'adapters', 'cli', 'test-network']
/** protocol's tests, test helpers and generators: they may do I/O. */
const PROTOCOL_DEV = ['protocol/**/*.test.ts', 'protocol/tools/**', 'protocol/testing/**', 'protocol/codes/generate.ts']
const CLI_TESTS = ['cli/**/*.test.ts', 'cli/**/*.testkit.ts']

/** An import specifier that reaches one of these top folders from inside another (`../node/x.ts`, `../../cli/y.ts`). */
function folderRegex(folders) {
  return `^(\\.\\./)+(${folders.join('|')})/`
}

/** no-restricted-imports cannot see `await import(...)`: this no-restricted-syntax entry does. */
function dynamicImportOf(folders, message, tail = '') {
  return { selector: `ImportExpression[source.value=/${folderRegex(folders).replaceAll('/', '\\/')}${tail}/]`, message }
}

const PROTOCOL_IMPORTS_NOTHING = {
  regex: folderRegex(FOLDERS_ABOVE_PROTOCOL),
  message: 'protocol/ is the bottom layer: it imports nothing of shared/, node/, adapters/, cli/ or test-network/',
}

/** A folder that must not import the folders named, statically or by import(). */
function layer(folder, forbidden, message) {
  return {
    files: [`${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: folderRegex(forbidden), message }] }],
      'no-restricted-syntax': ['error', dynamicImportOf(forbidden, message)],
    },
  }
}

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
  // The direction of imports between the folders (docs/ARCHITECTURE.md, "Layers"):
  //   protocol, shared <- node <- cli,   protocol, shared <- adapters <- cli (adapters take node's types only),
  //   protocol, shared, node, adapters <- test-network <- cli (through test-network/index.ts, by import())
  // node/ never imports adapters/ (the adapter contract imports the node's types; cli/adapter-host.ts
  // wires adapters to a running node). Tests follow their folder's rule: a test may use the testkits
  // of its own folder, never another folder's internals; cli's tests reach test-network/ only
  // through test-network/index.ts. Import cycles, type-only ones included, are caught by
  // protocol/tools/import-cycles.test.ts.
  {
    // protocol/ is pure: no I/O, no clock, no randomness it was not handed.
    files: ['protocol/**/*.ts'],
    ignores: PROTOCOL_DEV,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:fs',
                'node:fs/*',
                'fs',
                'fs/*',
                'node:net',
                'net',
                'node:http',
                'http',
                'node:https',
                'https',
                'node:http2',
                'node:tls',
                'node:dns',
                'node:dgram',
                'node:child_process',
                'child_process',
                'node:os',
                'os',
                'node:worker_threads',
                'node:process',
                'libp2p',
                '@libp2p/*',
                'level',
                'classic-level',
              ],
              message: 'protocol/ does no I/O',
            },
            PROTOCOL_IMPORTS_NOTHING,
          ],
        },
      ],
      'no-restricted-syntax': ['error', dynamicImportOf(FOLDERS_ABOVE_PROTOCOL, PROTOCOL_IMPORTS_NOTHING.message)],
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'protocol/ does no I/O' },
        { name: 'process', message: 'protocol/ reads no environment' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'protocol/ takes the time it is handed' },
        { object: 'Math', property: 'random', message: 'protocol/ takes the randomness it is handed' },
      ],
    },
  },
  {
    // protocol's tests, test helpers and generators may do I/O, but they stay in protocol/ too.
    files: PROTOCOL_DEV,
    rules: {
      'no-restricted-imports': ['error', { patterns: [PROTOCOL_IMPORTS_NOTHING] }],
      'no-restricted-syntax': ['error', dynamicImportOf(FOLDERS_ABOVE_PROTOCOL, PROTOCOL_IMPORTS_NOTHING.message)],
    },
  },
  layer(
    'shared',
    ['protocol', 'node', 'adapters', 'cli', 'test-network'],
    "shared/ is below node/, adapters/ and cli/ and beside protocol/: it imports Node's standard library only",
  ),
  layer(
    'node',
    ['adapters', 'cli', 'test-network'],
    'node/ imports only protocol/ and shared/ (the adapter contract imports node/events.ts; cli/adapter-host.ts runs adapters on a node)',
  ),
  {
    files: ['adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: folderRegex(['node']),
              allowTypeImports: true,
              message:
                "adapters/ takes only types from node/ (import type, as adapters/contract.ts does), so an adapter runs without the node's code",
            },
            {
              regex: folderRegex(['cli', 'test-network']),
              message: "adapters/ imports only protocol/, shared/ and node's types",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        dynamicImportOf(['node', 'cli', 'test-network'], "adapters/ imports only protocol/, shared/ and node's types"),
      ],
    },
  },
  {
    files: ['cli/**/*.ts'],
    ignores: CLI_TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: folderRegex(['test-network']),
              message:
                "cli/ loads test-network/ only in sis testnet and sis demo, by await import('../../test-network/index.ts')",
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        dynamicImportOf(
          ['test-network'],
          'cli/ reaches test-network/ only through its public entry, test-network/index.ts',
          '(?!index\\.ts$)',
        ),
      ],
    },
  },
  {
    // cli's tests start real networks and run sis as a process: through test-network's public entry only.
    files: CLI_TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `${folderRegex(['test-network'])}(?!index\\.ts$)`,
              message: 'cli/ reaches test-network/ only through its public entry, test-network/index.ts',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        dynamicImportOf(
          ['test-network'],
          'cli/ reaches test-network/ only through its public entry, test-network/index.ts',
          '(?!index\\.ts$)',
        ),
      ],
    },
  },
  layer(
    'test-network',
    ['cli'],
    "test-network/ runs the CLI as a process (SIS_BIN) and imports nothing of cli/; the node's data folder is node/data-folder.ts",
  ),
  {
    files: ['eslint.config.js', 'vitest.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
)
