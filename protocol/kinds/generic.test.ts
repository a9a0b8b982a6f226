/**
 * Generic code knows no kind by name: the files of the core (the log, replication, documents,
 * storage, the generic API routes) must not name a registered kind, its identifier or one of
 * its message types. A kind is added in its two folders and one registry line on each side.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KINDS } from './registry.ts'

const ROOT = join(import.meta.dirname, '..', '..')

/**
 * The generic core: folders (every .ts file below) and files. Tests, testkits and testing/
 * folders are left out: they may use the kinds as fixtures.
 */
const GENERIC = [
  'protocol/log',
  'protocol/messages/catalogue/definition.ts',
  'protocol/messages/header.ts',
  'protocol/kinds/kind.ts',
  'node/replication',
  'node/replication.ts',
  'node/documents.ts',
  'node/authoring.ts',
  'node/storage',
  'node/api',
  'node/service.ts',
  'node/events.ts',
  'node/kinds/kind.ts',
  'node/kinds/scope.ts',
  'node/node.ts',
  'node/handlers',
  'node/membership.ts',
  'node/access.ts',
  'node/operations.ts',
  'node/writer.ts',
  'node/reader.ts',
  'node/scheduler.ts',
]

/**
 * The exceptions, each with its reason: the one place that reads the index of stores written
 * before kinds were plug-ins (the transit's fixed fields, by name).
 */
const EXCEPT = ['node/storage/codec.ts']

/** What would name a kind: its name, its identifier's name and its message types. */
function kindWords(): { word: string; kind: string }[] {
  return KINDS.flatMap((k) =>
    [k.name, k.identifier.name, ...Object.keys(k.messages)].map((word) => ({ word, kind: k.name })),
  )
}

function files(path: string): string[] {
  const full = join(ROOT, path)
  if (!statSync(full).isDirectory()) return [path]
  return readdirSync(full)
    .flatMap((f) => files(join(path, f)))
    .filter((f) => f.endsWith('.ts'))
}

/** Words in code and comments alike; imports of the registry itself are allowed. */
export function namings(text: string, words: readonly { word: string; kind: string }[]): string[] {
  const out: string[] = []
  for (const { word, kind } of words) {
    const re = new RegExp(`(?<![A-Za-z0-9_])${word}(?![A-Za-z0-9_])`, 'i')
    const m = re.exec(text)
    if (m !== null) out.push(`${word} (${kind}) at offset ${m.index}`)
  }
  return out
}

describe('generic code names no kind', () => {
  const words = kindWords()
  const test = GENERIC.flatMap(files).filter(
    (f) =>
      !f.endsWith('.test.ts') && !f.endsWith('.testkit.ts') && !f.split('/').includes('testing') && !EXCEPT.includes(f),
  )

  it.each(test)('%s', (file) => {
    expect(namings(readFileSync(join(ROOT, file), 'utf8'), words), relative(ROOT, file)).toEqual([])
  })

  it('the check finds a kind named in code or in a comment', () => {
    expect(namings('const k = state.kind === "transit"', words)).toEqual(['transit (transit) at offset 26'])
    expect(namings('// the GRN of a guarantee', words).length).toBeGreaterThan(0)
    expect(namings('const transits = 1; const MRNx = 2', words)).toEqual([])
  })
})
