/**
 * Test helper: a SIS body without the dotted paths an NCTS mapping declares lossy
 * (`TransitOperation.limitDate`; through arrays, every element), so that a round trip can
 * compare everything else.
 */
export function withoutPaths<T>(body: T, paths: readonly string[]): T {
  const copy = structuredClone(body)
  for (const p of paths) drop(copy, p.split('.'))
  return copy
}

function drop(node: unknown, keys: readonly string[]): void {
  if (Array.isArray(node)) return node.forEach((n) => drop(n, keys))
  if (node === null || typeof node !== 'object') return
  const o = node as Record<string, unknown>
  if (keys.length === 1) delete o[keys[0]!]
  else drop(o[keys[0]!], keys.slice(1))
}
