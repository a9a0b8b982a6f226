/** Running sis in tests: as a separate process (what an operator runs), or in this process. */
import { spawnSync } from 'node:child_process'
import { vi } from 'vitest'
import { NODE_BIN, SIS_BIN } from '../test-network/network.ts'
import { main } from './main.ts'

export interface SisRun { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/** A function that runs `sis ...args` as a process on the pinned Node, killed after `timeoutMs`. */
export function sisProcess(opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): (...args: string[]) => SisRun {
  return (...args) => {
    const r = spawnSync(NODE_BIN, [SIS_BIN, ...args], { encoding: 'utf8', timeout: opts.timeoutMs, ...(opts.env === undefined ? {} : { env: opts.env }) })
    return { status: r.status, stdout: r.stdout, stderr: r.stderr }
  }
}

/** Runs `sis ...args` through main() in this process; returns the exit code and all it printed. */
export async function sisInProcess(...args: string[]): Promise<{ code: number; out: string }> {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { written.push(String(s)); return true })
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { written.push(String(s)); return true })
  process.exitCode = undefined
  try {
    return { code: await main(['node', 'sis', ...args]), out: written.join('') }
  } finally {
    spy.mockRestore()
    errSpy.mockRestore()
    process.exitCode = undefined
  }
}
