/**
 * Every element the official schema lets a partner leave out, left out: each sample of a type
 * the adapter reads, once without each of its elements in turn. The variants native xmllint
 * accepts (the schema made that element optional there) must each be mapped or refused with a
 * code of the federation naming a field, never with what the schema settles (a missing or
 * repeated element) and never with a crash.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseXml } from '../../protocol/index.ts'
import { federationErrors } from './federation.ts'
import { importableTypes, nctsMapping } from './index.ts'
import { locateElements } from './locate.ts'

const DIR = join(import.meta.dirname, 'samples')
const XSD = join(import.meta.dirname, 'xsd')
const work = mkdtempSync(join(tmpdir(), 'sis-ncts-optional-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The end of the element whose start tag is at `start` (documents the strict parser accepts). */
function endOf(xml: string, start: number): number {
  const tag = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<(\/?)[^\s/>!?]+(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g
  tag.lastIndex = start
  let depth = 0
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    if (m[0].startsWith('<!')) continue
    if (m[1] === '/') depth--
    else if (m[2] !== '/') depth++
    if (depth === 0) return m.index + m[0].length
  }
  throw new Error('unbalanced document')
}

/** Which of the files native xmllint accepts against `xsd`, in one run (the schema compiled once). */
function nativelyValid(xsd: string, files: readonly string[]): Set<string> {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, ...files], { encoding: 'utf8' })
  if (r.error !== undefined) throw r.error
  return new Set(files.filter((f) => r.stderr.includes(`${f} validates`)))
}

const SCHEMA_SETTLED = ['NCTS_MISSING_ELEMENT', 'NCTS_DUPLICATE_ELEMENT', 'NCTS_WRONG_MESSAGE']
const samples = readdirSync(DIR).filter(
  (f) => f.endsWith('.xml') && importableTypes().includes(f.slice(0, 6).toUpperCase()),
)

describe('a schema-valid message without any one of its optional elements', () => {
  for (const file of samples) {
    it(file, async () => {
      const type = file.slice(0, 6).toUpperCase()
      const xml = readFileSync(join(DIR, file), 'utf8')
      const elements = locateElements(xml).slice(1)
      const variants = elements.map((e, i) => {
        const path = join(work, `${file}-${i}.xml`)
        writeFileSync(path, xml.slice(0, e.offset) + xml.slice(endOf(xml, e.offset)))
        return { path, element: e.path }
      })
      const valid = nativelyValid(
        join(XSD, `${type.toLowerCase()}.xsd`),
        variants.map((v) => v.path),
      )
      // The check can fail: some elements are required, so some variants are invalid.
      expect(valid.size).toBeLessThan(variants.length)
      const read = nctsMapping(type)!.read!
      for (const v of variants.filter((x) => valid.has(x.path))) {
        const text = readFileSync(v.path, 'utf8')
        const root = parseXml(text)
        const federation = federationErrors(root, locateElements(text))
        const r = federation.length > 0 ? { ok: false as const, errors: federation } : await read(text, {})
        if (r.ok) continue
        for (const e of r.errors) {
          expect(SCHEMA_SETTLED, `${v.element} left out: ${e.path} ${e.code}`).not.toContain(e.code)
          expect(e.path, `${v.element} left out`).toMatch(new RegExp(`^/${type}/[A-Za-z]`))
        }
      }
    })
  }
})
