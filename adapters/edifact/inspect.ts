/**
 * A CUSDEC interchange judged in the same two stages as an NCTS message, for `sis adapter
 * validate`: the EDIFACT syntax (service segments, counts, references: syntax.ts), then the
 * mapping to our declaration with the protocol's checks (cusdec.ts). The syntax verdict is kept
 * apart so a partner sees which of the two refused the file.
 */
import type { FieldError } from '../contract.ts'
import { fromCusdec } from './cusdec.ts'
import { describePosition, EdifactError, parseInterchange } from './syntax.ts'

export interface CusdecInspection {
  /** The UNH message types of the interchange (CUSDEC), once the syntax was read. */
  readonly type?: string
  readonly syntax: { readonly ok: true } | { readonly ok: false; readonly errors: readonly FieldError[] }
  /** Absent when the syntax refused the interchange. */
  readonly mapping?:
    | { readonly ok: true; readonly lrn: string; readonly warnings: readonly FieldError[] }
    | { readonly ok: false; readonly errors: readonly FieldError[] }
}

export function inspectCusdec(text: string): CusdecInspection {
  let types: string
  try {
    types = parseInterchange(text)
      .messages.map((m) => m.type)
      .join(', ')
  } catch (e) {
    if (!(e instanceof EdifactError)) throw e
    return {
      syntax: {
        ok: false,
        errors: [{ path: describePosition(e.position), code: e.code, message: e.message.replace(/^.*?: /, '') }],
      },
    }
  }
  const r = fromCusdec(text)
  return {
    type: types,
    syntax: { ok: true },
    mapping: r.ok
      ? { ok: true, lrn: r.declaration.TransitOperation.LRN, warnings: r.warnings }
      : { ok: false, errors: r.errors },
  }
}
