/**
 * No import cycles anywhere in the repository, type-only imports included: every `import`,
 * `import type`, `export ... from` and `import('...')` between our own .ts files is an edge. A
 * cycle is reported with its path (a.ts -> b.ts -> a.ts). ESLint's no-restricted-imports keeps
 * the folders in their layers (eslint.config.js); this test keeps the files inside a folder in
 * order. It lives in protocol/tools because it runs at development time only and reads files.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '..', '..')
const FOLDERS = ['protocol', 'shared', 'node', 'adapters', 'cli', 'test-network'].filter((f) =>
  existsSync(join(ROOT, f)),
)

/**
 * Known cycles, each as the set of files of its strongly connected component, that are being
 * taken apart elsewhere (issue 11). A component found is allowed only if it lies inside one of
 * these; an entry that no longer matches anything fails the test, so the list only shrinks.
 * Empty it; do not add to it.
 */
const KNOWN_CYCLES: readonly (readonly string[])[] = [
  // cli/i18n.ts becoming a folder (in progress): the catalogue's types and the English catalogue import each other.
  ['cli/i18n/en.ts', 'cli/i18n/types.ts'],
]

type ImportGraph = ReadonlyMap<string, readonly string[]>

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue
    const p = join(dir, e.name)
    if (e.isDirectory()) tsFiles(p, out)
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** Every file's imports of our own .ts files, as paths relative to `root` with '/' separators. */
function importGraph(root: string, folders: readonly string[]): ImportGraph {
  const name = (p: string) => relative(root, p).split(sep).join('/')
  const graph = new Map<string, string[]>()
  for (const folder of folders) {
    for (const file of tsFiles(join(root, folder))) {
      // readImportFiles, detectJavaScriptImports: static, type-only, re-exports and dynamic import().
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
      const deps = new Set<string>()
      for (const { fileName } of importedFiles) {
        if (!fileName.startsWith('.')) continue // a package
        const target = resolve(dirname(file), fileName)
        if (target.endsWith('.ts') && existsSync(target)) deps.add(name(target))
      }
      graph.set(name(file), [...deps].sort())
    }
  }
  return graph
}

/** The strongly connected components with a cycle (two files or more, or a file importing itself), Tarjan's algorithm. */
function cyclicComponents(graph: ImportGraph): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort())
  }
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v)
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!))
}

/** The shortest cycle through each file of a component, each written once: 'a.ts -> b.ts -> a.ts'. */
function cyclePaths(graph: ImportGraph, component: readonly string[]): string[] {
  const inside = new Set(component)
  const paths = new Set<string>()
  for (const start of component) {
    // Breadth-first from start's imports back to start, within the component.
    const parent = new Map<string, string>()
    const queue = [start]
    let end: string | undefined
    search: for (let i = 0; i < queue.length; i++) {
      const v = queue[i]!
      for (const w of graph.get(v) ?? []) {
        if (!inside.has(w)) continue
        if (w === start) {
          end = v
          break search
        }
        if (!parent.has(w)) {
          parent.set(w, v)
          queue.push(w)
        }
      }
    }
    if (end === undefined) continue
    const cycle = [end]
    while (cycle[0] !== start) cycle.unshift(parent.get(cycle[0]!)!)
    // One spelling per cycle: rotated to start at its smallest file.
    const first = cycle.indexOf([...cycle].sort()[0]!)
    const rotated = [...cycle.slice(first), ...cycle.slice(0, first)]
    paths.add([...rotated, rotated[0]].join(' -> '))
  }
  return [...paths].sort()
}

function isKnown(component: readonly string[]): boolean {
  return KNOWN_CYCLES.some((known) => component.every((f) => known.includes(f)))
}

describe('import cycles', () => {
  const graph = importGraph(ROOT, FOLDERS)

  it('reads the imports of every folder', () => {
    expect(graph.size).toBeGreaterThan(100)
    // Type-only imports count: protocol/xml/namespaces.ts imports types only from types.ts.
    expect(graph.get('protocol/xml/namespaces.ts')).toContain('protocol/xml/types.ts')
  })

  it('finds a cycle, type-only edges included, and gives its path', () => {
    const g: ImportGraph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ])
    expect(cyclicComponents(g)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']])
    expect(cyclePaths(g, ['a.ts', 'b.ts', 'c.ts'])).toEqual(['a.ts -> b.ts -> c.ts -> a.ts'])
    expect(cyclePaths(g, ['e.ts'])).toEqual(['e.ts -> e.ts'])
  })

  it('has no import cycle outside the known ones', () => {
    const cycles = cyclicComponents(graph)
      .filter((c) => !isKnown(c))
      .flatMap((c) => cyclePaths(graph, c))
    expect(cycles, `import cycles:\n${cycles.join('\n')}`).toEqual([])
  })

  it('lists no known cycle that is gone', () => {
    const components = cyclicComponents(graph)
    const stale = KNOWN_CYCLES.filter((known) => !components.some((c) => c.some((f) => known.includes(f))))
    expect(stale, 'these cycles are gone: remove them from KNOWN_CYCLES').toEqual([])
  })
})
