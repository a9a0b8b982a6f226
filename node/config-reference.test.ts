import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { NodeFile } from './config.ts'
import { ENVIRONMENT } from './config-env.ts'
import { configurationReference } from './config-reference.ts'

const root = join(import.meta.dirname, '..')

/** Every field path of a JSON Schema object, nested objects, arrays and their forms included. */
function fieldPaths(schema: Record<string, unknown>, prefix = ''): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>
  return Object.entries(properties).flatMap(([key, s]) => {
    const path = `${prefix}${key}`
    const inner = (s.type === 'array' ? s.items : s) as Record<string, unknown>
    const at = s.type === 'array' ? `${path}[]` : path
    const forms = (inner.oneOf ?? [inner]) as Record<string, unknown>[]
    return [path, ...forms.flatMap((f) => fieldPaths(f, `${at}.`))]
  })
}

describe('docs/configuration.md', () => {
  it('is up to date (run `npm run gen` after changing node/config.ts or node/config-env.ts)', () => {
    expect(readFileSync(join(root, 'docs/configuration.md'), 'utf8')).toBe(configurationReference())
  })

  it('has a row with a meaning for every node.json field, and names every environment variable', () => {
    const doc = configurationReference()
    const paths = fieldPaths(z.toJSONSchema(NodeFile, { io: 'input' }) as Record<string, unknown>)
    expect(paths).toContain('adapters[].pollMs')
    expect(paths).toContain('tokens[].principal.office')
    for (const path of paths)
      expect(doc).toMatch(new RegExp(`^\\| \`${path.replace(/[.[\]]/g, '\\$&')}\` \\|[^|]+\\|[^|]+\\| [^| ]`, 'm'))
    for (const v of ENVIRONMENT) expect(doc).toContain(`| \`${v.name}\` |`)
    expect(doc).toMatch(/^\| `api\.port` \| integer 0–65535 \| `0` \| .* \| `SIS_API_PORT` \|$/m)
  })
})
