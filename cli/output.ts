/**
 * Output for humans and machines. Every command takes --json; errors are typed (code, message,
 * details) and printed as such, with a hint of what to do next where there is one.
 */
import { isSisError } from '../protocol/errors.ts'

/** Exit codes of every sis command. */
export const EXIT = { OK: 0, INVALID: 1, USAGE: 2, IO: 3, INTERNAL: 70 } as const

export interface Output {
  readonly json: boolean
  /** A result line for humans, or the object for --json. */
  result(human: string, machine: unknown): void
  /** An error line for humans (stderr), or the object for --json (stdout). */
  error(e: unknown, hint?: string): void
}

export function output(json: boolean, write: (s: string) => void = (s) => process.stdout.write(s), writeErr: (s: string) => void = (s) => process.stderr.write(s)): Output {
  return {
    json,
    result(human, machine) {
      write(json ? JSON.stringify(machine, null, 2) + '\n' : human + '\n')
    },
    error(e, hint) {
      const body = isSisError(e) ? e.toJSON() : { code: 'ERROR', message: e instanceof Error ? e.message : String(e) }
      if (json) write(JSON.stringify({ ok: false, errors: [body], hint }, null, 2) + '\n')
      else writeErr(`error ${body.code}: ${body.message}\n${hint === undefined ? '' : `hint: ${hint}\n`}`)
    },
  }
}

/** An error a command raises for the user: printed with its hint and exit code, no stack. */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: number
  readonly hint: string | undefined
  constructor(message: string, exitCode: number, hint?: string) {
    super(message)
    this.exitCode = exitCode
    this.hint = hint
  }
}
