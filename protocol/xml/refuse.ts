/**
 * How protocol/xml refuses input: every refusal is a SisError with a stable code, an English
 * message that names the problem, and details a peer operator can act on. Line and column are
 * computed only when a refusal happens, so the happy path never pays for them.
 */

import { SisError } from '../errors.ts'
import type { ErrorCode, ErrorDetails } from '../errors.ts'

export interface TextPosition {
  /** 1-based line number (lines end at LF; a CR LF pair counts once). */
  readonly line: number
  /** 1-based column in UTF-16 code units, which is what editors and JS strings count. */
  readonly column: number
}

/** Line and column of `offset` in `text`; linear, so call it only on the way to a refusal. */
export function positionOf(text: string, offset: number): TextPosition {
  const end = Math.max(0, Math.min(offset, text.length))
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: end - lineStart + 1 }
}

/** Throws a SisError for a problem found at `offset` of the decoded text. */
export function refuseAt(
  code: ErrorCode,
  text: string,
  offset: number,
  problem: string,
  details: ErrorDetails = {},
): never {
  const { line, column } = positionOf(text, offset)
  throw new SisError(code, `${problem} (line ${line}, column ${column})`, { ...details, line, column, offset })
}

/** Throws a SisError for a problem that has no useful position (the input as a whole). */
export function refuse(code: ErrorCode, problem: string, details: ErrorDetails = {}): never {
  throw new SisError(code, problem, details)
}

/**
 * A short, printable excerpt of untrusted text for messages: bounded in length so a hostile
 * 4 MB name cannot blow up logs, and JSON-quoted so control characters stay visible.
 */
export function excerpt(value: string, max = 40): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value
  return JSON.stringify(cut)
}

/**
 * Names in messages: after the character check they hold no control characters, but a hostile
 * name can be megabytes long, so only its start is shown.
 */
export function shorten(name: string, max = 40): string {
  return name.length > max ? `${name.slice(0, max)}…` : name
}
