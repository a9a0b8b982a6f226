/**
 * Output for humans and machines. Every command takes --json; errors are typed (code, message,
 * details) and printed as such, with a hint of what to do next where there is one: for humans in
 * the language of --lang (the code unchanged, its explanation from the catalogue), for --json as
 * the objects themselves. Colour only on a terminal and only without NO_COLOR
 * (https://no-color.org).
 */
import { isSisError } from '../protocol/errors.ts'
import { describeError, translator } from './i18n.ts'
import type { Lang } from './i18n.ts'

/**
 * Exit codes of every sis command: 4 the node could not be reached or failed (5xx), 5 the node
 * refused the token (401) or its role (403).
 */
export const EXIT = { OK: 0, INVALID: 1, USAGE: 2, IO: 3, UNAVAILABLE: 4, AUTH: 5, INTERNAL: 70 } as const

export interface Output {
  readonly json: boolean
  /** A result line for humans, or the object for --json. */
  result(human: string, machine: unknown): void
  /** An error line for humans (stderr), or the object for --json (stdout). */
  error(e: unknown, hint?: string): void
}

function errorBody(e: unknown): { code: string; message: string; details?: unknown } {
  if (isSisError(e)) return e.toJSON()
  if (e instanceof CliError && e.code !== undefined)
    return { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) }
  return { code: 'ERROR', message: e instanceof Error ? e.message : String(e) }
}

export function output(
  json: boolean,
  lang: Lang = 'en',
  write: (s: string) => void = (s) => process.stdout.write(s),
  writeErr: (s: string) => void = (s) => process.stderr.write(s),
): Output {
  const t = translator(lang)
  return {
    json,
    result(human, machine) {
      write(json ? JSON.stringify(machine, null, 2) + '\n' : human + '\n')
    },
    error(e, hint) {
      const body = errorBody(e)
      if (json) write(JSON.stringify({ ok: false, errors: [body], hint }, null, 2) + '\n')
      else
        writeErr(
          `${t('output.error', { error: describeError(lang, body) })}\n${hint === undefined ? '' : `${t('output.hint', { hint })}\n`}`,
        )
    },
  }
}

/** An error a command raises for the user: printed with its hint and exit code, no stack. */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: number
  readonly hint: string | undefined
  /** A stable code when the error has one (the node's API error code, say). */
  readonly code: string | undefined
  readonly details: unknown
  constructor(message: string, exitCode: number, hint?: string, extra: { code?: string; details?: unknown } = {}) {
    super(message)
    this.exitCode = exitCode
    this.hint = hint
    this.code = extra.code
    this.details = extra.details
  }
}

/**
 * A reader that closes early (`sis help | head -1`, a pager quit at once) must not crash sis
 * with a stack trace. After an EPIPE on stdout or stderr, what is still to be written to that
 * stream is dropped (the stream is closed; later writes go nowhere), and the command ends as it
 * would have, with its own exit code (0 for help). Any other stream error still surfaces.
 */
export function tolerateClosedReader(
  streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr],
): void {
  for (const s of streams) if (!s.listeners('error').includes(onStreamError)) s.on('error', onStreamError)
}

function onStreamError(e: NodeJS.ErrnoException): void {
  if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e
}

/** Whether to colour what goes to this stream: a terminal, and NO_COLOR not set (to anything). */
export function colourEnabled(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined
}

export interface Paint {
  ok(s: string): string
  warn(s: string): string
  bad(s: string): string
  dim(s: string): string
  bold(s: string): string
}

const sgr = (on: number, off: number) => (s: string) => `\x1b[${on}m${s}\x1b[${off}m`
const plain = (s: string) => s

/** Colour functions, or the identity when colour is off (so callers never branch). */
export function paint(enabled: boolean = colourEnabled()): Paint {
  if (!enabled) return { ok: plain, warn: plain, bad: plain, dim: plain, bold: plain }
  return { ok: sgr(32, 39), warn: sgr(33, 39), bad: sgr(31, 39), dim: sgr(2, 22), bold: sgr(1, 22) }
}
