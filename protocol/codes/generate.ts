/**
 * Regenerates data/hs2022.json and data/rec20.json from the vendored CSV files beside them.
 *
 *   npx node protocol/codes/generate.ts
 *
 * Run it after replacing a CSV with a newer upstream release, then review the JSON diff (one
 * row per line) and commit both. data.test.ts fails while the two disagree.
 *
 * This is a development script, not protocol code: it is the one file under protocol/codes that
 * touches the file system (eslint.config.js exempts it from the no-I/O rule), and nothing
 * imports it.
 */

import { readFileSync, writeFileSync } from 'node:fs'
import { buildHs, buildRec20, serializeJson } from './build.ts'

const dataDir = new URL('./data/', import.meta.url)
const read = (name: string): string => readFileSync(new URL(name, dataDir), 'utf8')

const outputs: [string, string][] = [
  ['hs2022.json', serializeJson({ ...buildHs(read('harmonized-system-sections.csv'), read('harmonized-system.csv')) })],
  ['rec20.json', serializeJson({ ...buildRec20(read('unece-rec20-units.csv')) })],
]

for (const [name, text] of outputs) {
  writeFileSync(new URL(name, dataDir), text)
  console.log(`wrote data/${name} (${Buffer.byteLength(text)} bytes)`)
}
