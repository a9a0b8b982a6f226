/**
 * Writes the generated files that are committed for readers and partners: the XSDs in
 * protocol/xsd/ and the message reference pages in docs/protocol/messages/. Run `npm run gen`
 * after changing a schema; protocol/messages/generated.test.ts fails while they are stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generatedFiles } from './generated.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
for (const [path, content] of generatedFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), content)
  process.stdout.write(`wrote ${path}\n`)
}
