/**
 * Writes the files generated from node/'s schemas: docs/configuration.md (node/config-reference.ts).
 * `npm run gen` runs it after protocol/tools/generate.ts; node/config-reference.test.ts fails while
 * the file is stale.
 */
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { configurationReference } from '../config-reference.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CONFIGURATION_DOC = 'docs/configuration.md'
writeFileSync(join(root, CONFIGURATION_DOC), configurationReference())
process.stdout.write(`wrote ${CONFIGURATION_DOC}\n`)
