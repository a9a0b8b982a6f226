/** Running sis in tests: as a separate process (what an operator runs, test-network's sisProcess), or in this process. */
import { vi } from 'vitest'
import { main } from './main.ts'

export { sisProcess } from '../test-network/index.ts'
export type { SisRun } from '../test-network/index.ts'

/** Runs `sis ...args` through main() in this process; returns the exit code and all it printed. */
export async function sisInProcess(...args: string[]): Promise<{ code: number; out: string }> {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    written.push(String(s))
    return true
  })
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    written.push(String(s))
    return true
  })
  process.exitCode = undefined
  try {
    return { code: await main(['node', 'sis', ...args]), out: written.join('') }
  } finally {
    spy.mockRestore()
    errSpy.mockRestore()
    process.exitCode = undefined
  }
}
