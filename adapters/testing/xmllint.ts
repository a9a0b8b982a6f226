/**
 * Test helper: validates a document with xmllint (libxml2) against a vendored NCTS XSD, the
 * independent check that what the adapter writes is what the official schema accepts.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const XSD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'ncts', 'xsd')

export function xmllintNcts(type: string, xml: string): { ok: boolean; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sis-ncts-'))
  try {
    const file = join(dir, `${type}.xml`)
    writeFileSync(file, xml)
    const r = spawnSync(
      'xmllint',
      ['--noout', '--nonet', '--schema', join(XSD_DIR, `${type.toLowerCase()}.xsd`), file],
      { encoding: 'utf8' },
    )
    if (r.error !== undefined) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`)
    return { ok: r.status === 0, stderr: r.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
