/**
 * Test helper: validation with xmllint (libxml2), the independent implementation our XML is
 * checked against. Test-only: it writes files and spawns processes, which protocol/ source never does.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allXsdFiles } from '../messages/index.ts'

export interface XmllintResult {
  readonly ok: boolean
  readonly stderr: string
}

export class Xmllint implements Disposable {
  readonly dir = mkdtempSync(join(tmpdir(), 'sis-xmllint-'))
  #n = 0

  constructor() {
    for (const [name, content] of allXsdFiles()) writeFileSync(join(this.dir, name), content)
  }

  /** Validates one document against the XSD of `type`. */
  validate(type: string, xml: string | Uint8Array): XmllintResult {
    const file = join(this.dir, `doc-${this.#n++}.xml`)
    writeFileSync(file, xml)
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(this.dir, `${type}.xsd`), file], {
      encoding: 'utf8',
    })
    if (r.error !== undefined) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`)
    return { ok: r.status === 0, stderr: r.stderr }
  }

  /** Exclusive C14N of a document by xmllint, for comparison with ours. */
  excC14n(xml: string | Uint8Array): Buffer {
    const file = join(this.dir, `c14n-${this.#n++}.xml`)
    writeFileSync(file, xml)
    const r = spawnSync('xmllint', ['--nonet', '--exc-c14n', file])
    if (r.status !== 0) throw new Error(`xmllint --exc-c14n failed: ${r.stderr.toString()}`)
    return r.stdout
  }

  [Symbol.dispose](): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}
