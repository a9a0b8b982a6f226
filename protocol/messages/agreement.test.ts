/**
 * The zod schemas and the generated XSDs must agree. fast-check mutates valid messages at the
 * tree level (delete, duplicate, move, rename an element; replace a value) and checks that our
 * validator refuses on structure or format exactly when xmllint refuses. Code lists, header
 * consistency and cross-field rules are checked by us only (the XSD checks formats), so those
 * codes do not count as an XSD-class refusal.
 */
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, MESSAGE_TYPE_NAMES, validateMessage } from './index.ts'
import { parseXml } from '../xml/index.ts'
import type { XmlElement, XmlNode } from '../xml/index.ts'
import { Xmllint } from '../testing/xmllint.ts'
import { elementsOf, replaceChildren, serializeDocument } from '../testing/serialize.ts'

const xmllint = new Xmllint()
afterAll(() => xmllint[Symbol.dispose]())

const NOT_IN_XSD = new Set([
  'CODE_UNKNOWN',
  'CODE_DEPRECATED',
  'MSG_RULE_VIOLATION',
  'MSG_HEADER_MISMATCH',
  'MRN_INVALID',
  'GRN_INVALID',
])
const VALUES = [
  '',
  ' ',
  'KZ',
  'XX',
  '0',
  '00',
  '1',
  '0101.21',
  '1e5',
  '-1',
  '12.345',
  '2026-11-23',
  '2026-11-23T08:00:00Z',
  'x'.repeat(600),
  '26CN652100000042J8',
  'CNI00100',
  'ru',
  'Ä',
  'A1',
  'T1',
  ' 1',
  'a\u0085b',
  'tab\there',
  'line\nbreak',
  '\u00a0',
]
const NAMES = [
  'Header',
  'sequenceNumber',
  'referenceNumber',
  'country',
  'GRN',
  'MRN',
  'name',
  'Seal',
  'Unknown',
  'grossMass',
]

const originals = new Map(MESSAGE_TYPE_NAMES.map((t) => [t, parseXml(encodeMessage(t, exampleMessage(t)))]))

type Mutation = {
  kind: 'delete' | 'duplicate' | 'moveUp' | 'rename' | 'value'
  pick: number
  value: string
  name: string
}

function mutate(root: XmlElement, m: Mutation): XmlElement {
  const all = elementsOf(root)
  const target = all[m.pick % all.length]
  if (target === undefined) return root
  const { parent, index, element } = target
  const kids: XmlNode[] = [...parent.children]
  switch (m.kind) {
    case 'delete':
      kids.splice(index, 1)
      break
    case 'duplicate':
      kids.splice(index, 0, element)
      break
    case 'moveUp': {
      const prev = kids.slice(0, index).findLastIndex((k) => k.kind === 'element')
      if (prev < 0) return root
      const [moved] = kids.splice(index, 1)
      if (moved !== undefined) kids.splice(prev, 0, moved)
      break
    }
    case 'rename':
      kids[index] = { ...element, local: m.name }
      break
    case 'value':
      if (element.children.some((c) => c.kind === 'element')) return root
      kids[index] = { ...element, children: [{ kind: 'text', value: m.value }] }
  }
  return replaceChildren(root, parent, kids)
}

describe('zod schemas and XSDs agree', () => {
  it('on random structural and value mutations of every message type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MESSAGE_TYPE_NAMES),
        fc.record({
          kind: fc.constantFrom('delete', 'duplicate', 'moveUp', 'rename', 'value'),
          pick: fc.nat(),
          value: fc.constantFrom(...VALUES),
          name: fc.constantFrom(...NAMES),
        }),
        (type, m) => {
          const root = originals.get(type)
          if (root === undefined) throw new Error(type)
          const xml = serializeDocument(mutate(root, m))
          const ours = validateMessage(xml)
          const oursRefuses = !ours.ok && ours.errors.some((e) => !NOT_IN_XSD.has(e.code))
          const lint = xmllint.validate(type, xml)
          if (oursRefuses === lint.ok) {
            throw new Error(
              `disagreement on ${type} ${JSON.stringify(m)}: ours ${ours.ok ? 'ok' : ours.errors.map((e) => e.code + ' ' + e.message).join('; ')}; xmllint ${lint.stderr}`,
            )
          }
        },
      ),
      { numRuns: 300, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    )
    expect(originals.size).toBe(MESSAGE_TYPE_NAMES.length)
  })
})
