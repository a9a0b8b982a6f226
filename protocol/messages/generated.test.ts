import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generatedFiles } from '../tools/generated.ts'

const root = join(import.meta.dirname, '..', '..')

describe('generated files are up to date (run `npm run gen` after changing a schema)', () => {
  it.each([...generatedFiles().entries()])('%s', (path, content) => {
    expect(readFileSync(join(root, path), 'utf8')).toBe(content)
  })
})
