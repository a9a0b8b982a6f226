import * as fs from 'node:fs'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { moveIntoPlace, temporaryPathFor, writeFileAtomic } from './files.ts'

// The real node:fs, with the calls that make a write durable recorded in order: a test below
// fails if the folder is not fsynced after the rename (the step a kill -9 test cannot see).
const calls: string[] = []
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>()
  const paths = new Map<number, string>()
  return {
    ...real,
    openSync: (path: string, flags?: fs.OpenMode, mode?: fs.Mode) => {
      const fd = real.openSync(path, flags ?? 'r', mode)
      paths.set(fd, path)
      return fd
    },
    fsyncSync: (fd: number) => {
      calls.push(`fsync ${paths.get(fd)}`)
      real.fsyncSync(fd)
    },
    renameSync: (from: string, to: string) => {
      calls.push(`rename ${from} ${to}`)
      real.renameSync(from, to)
    },
    linkSync: (from: string, to: string) => {
      calls.push(`link ${from} ${to}`)
      real.linkSync(from, to)
    },
  }
})

const root = mkdtempSync(join(tmpdir(), 'sis-files-'))
let dir: string
let n = 0
beforeEach(() => {
  dir = join(root, String(n++))
  mkdirSync(dir)
  calls.length = 0
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const modeOf = (path: string): number => statSync(path).mode & 0o777
const errorOf = (f: () => unknown): NodeJS.ErrnoException | undefined => {
  try {
    f()
  } catch (e) {
    return e as NodeJS.ErrnoException
  }
  return undefined
}

describe('writeFileAtomic', () => {
  it('writes the bytes, fsyncs the file, renames it, then fsyncs the folder; no temporary file is left', () => {
    const path = join(dir, 'a.json')
    writeFileAtomic(path, '{"v":1}\n')
    expect(readFileSync(path, 'utf8')).toBe('{"v":1}\n')
    expect(readdirSync(dir)).toEqual(['a.json'])
    expect(calls).toHaveLength(3)
    const [syncFile, rename, syncDir] = calls
    const tmp = syncFile!.slice('fsync '.length)
    expect(tmp).toMatch(/\/\.a\.json\.\d+\.[0-9a-f]{12}\.tmp$/)
    expect(rename).toBe(`rename ${tmp} ${path}`)
    expect(syncDir).toBe(`fsync ${dir}`)
  })

  it('replaces an existing file with the new bytes, and writes Uint8Array as is', () => {
    const path = join(dir, 'b.bin')
    writeFileSync(path, 'old')
    writeFileAtomic(path, new Uint8Array([0, 255, 10]))
    expect([...readFileSync(path)]).toEqual([0, 255, 10])
    expect(readdirSync(dir)).toEqual(['b.bin'])
  })

  it('sets an exact mode whatever the umask (0o777 would leave 0000 without the fchmod)', () => {
    for (const umask of [0, 0o022, 0o077, 0o777]) {
      const path = join(dir, `k-${umask}.pem`)
      const previous = process.umask(umask)
      try {
        writeFileAtomic(path, 'secret', { mode: 0o600 })
      } finally {
        process.umask(previous)
      }
      expect(modeOf(path)).toBe(0o600)
    }
    const previous = process.umask(0o022)
    try {
      writeFileAtomic(join(dir, 'plain'), 'x')
    } finally {
      process.umask(previous)
    }
    expect(modeOf(join(dir, 'plain'))).toBe(0o644)
  })

  it('leaves the old file intact and no temporary file when the write fails', () => {
    const path = join(dir, 'c.json')
    writeFileSync(path, 'old')
    expect(errorOf(() => writeFileAtomic(path, 42 as unknown as string))?.code).toBe('ERR_INVALID_ARG_TYPE')
    expect(readFileSync(path, 'utf8')).toBe('old')
    expect(readdirSync(dir)).toEqual(['c.json'])
    // A rename that fails (the name is a folder) cleans up too.
    mkdirSync(join(dir, 'taken'))
    writeFileSync(join(dir, 'taken', 'inside'), 'kept')
    expect(errorOf(() => writeFileAtomic(join(dir, 'taken'), 'new'))).toBeDefined()
    expect(readdirSync(dir).sort()).toEqual(['c.json', 'taken'])
    expect(readFileSync(join(dir, 'taken', 'inside'), 'utf8')).toBe('kept')
  })

  it('with overwrite: false refuses an existing name or a symlink there (EEXIST), keeping it, and links a new one', () => {
    const path = join(dir, 'd.pem')
    writeFileSync(path, 'precious')
    const error = errorOf(() => writeFileAtomic(path, 'new', { overwrite: false }))
    expect(error?.code).toBe('EEXIST')
    expect(error?.message).toContain('overwrite')
    expect(readFileSync(path, 'utf8')).toBe('precious')
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'e.pem'))
    expect(errorOf(() => writeFileAtomic(join(dir, 'e.pem'), 'new', { overwrite: false }))?.code).toBe('EEXIST')
    expect(readdirSync(dir).sort()).toEqual(['d.pem', 'e.pem'])

    calls.length = 0
    writeFileAtomic(join(dir, 'f.pem'), 'fresh', { overwrite: false, mode: 0o600 })
    expect(readFileSync(join(dir, 'f.pem'), 'utf8')).toBe('fresh')
    expect(readdirSync(dir).sort()).toEqual(['d.pem', 'e.pem', 'f.pem'])
    expect(calls.map((c) => c.split(' ')[0])).toEqual(['fsync', 'link', 'fsync'])
    expect(calls[2]).toBe(`fsync ${dir}`)
  })

  it('throws ENOENT for a missing folder unless mkdir is set, and then fsyncs every folder it created', () => {
    const path = join(dir, 'x', 'y', 'g.txt')
    expect(errorOf(() => writeFileAtomic(path, 'v'))?.code).toBe('ENOENT')
    expect(readdirSync(dir)).toEqual([])
    writeFileAtomic(path, 'v', { mkdir: true })
    expect(readFileSync(path, 'utf8')).toBe('v')
    expect(calls.filter((c) => c.startsWith('fsync ') && !c.endsWith('.tmp'))).toEqual([
      `fsync ${join(dir, 'x', 'y')}`,
      `fsync ${join(dir, 'x')}`,
      `fsync ${dir}`,
    ])
  })
})

describe('moveIntoPlace', () => {
  it('renames a file the caller wrote beside the target, then fsyncs the folder', () => {
    const target = join(dir, 'backup.sisbak')
    const tmp = temporaryPathFor(target)
    writeFileSync(tmp, 'streamed')
    moveIntoPlace(tmp, target)
    expect(readFileSync(target, 'utf8')).toBe('streamed')
    expect(readdirSync(dir)).toEqual(['backup.sisbak'])
    expect(calls).toEqual([`rename ${tmp} ${target}`, `fsync ${dir}`])
    expect(fs.existsSync(tmp)).toBe(false)
  })
})
