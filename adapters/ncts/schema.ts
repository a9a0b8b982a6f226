/**
 * The official NCTS phase 6 schema check, in process: libxml2 compiled to WebAssembly
 * (xmllint-wasm) validates a message against the vendored XSD of its type (./xsd). Each fault
 * comes back once, as NCTS_SCHEMA_INVALID with libxml2's own message, the line in the
 * partner's file and the element's path. Call it only on a document the strict parser
 * (protocol parseXml: no DTD, no entities) has read: libxml2 never sees hostile XML.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateXML } from 'xmllint-wasm'
import type { FieldError } from '../contract.ts'
import { locateElements, spreadElements } from './locate.ts'
import type { ElementAt } from './locate.ts'

const XSD_DIR = join(import.meta.dirname, 'xsd')
const DOCUMENT = 'message.xml'
/** Faults listed in full; a message with more gets one more entry saying how many were left out. */
export const MAX_SCHEMA_FAULTS = 100
/**
 * A fault of a value (a facet, or not of its type), of the element or of one of its attributes.
 * libxml2 says one bad value several ways (each facet it fails, then "is not a valid value of
 * the atomic type"): the first is the fault, the rest say it again.
 */
const VALUE_FAULT = /^Element '[^']+'(?:, attribute '([^']+)')?: (?:\[facet '[^']+'\]|'.*' is not a valid value of)/s
/** WebAssembly pages of 64 KiB: the phase 6 type library takes about 20 MiB compiled; 4 MiB messages fit in 256 MiB. */
const MAX_MEMORY_PAGES = 4096

export const NCTS_SCHEMA_INVALID = 'NCTS_SCHEMA_INVALID'
/** The schema check itself could not run to its end (libxml2 out of memory, a failed worker). */
export const NCTS_SCHEMA_UNAVAILABLE = 'NCTS_SCHEMA_UNAVAILABLE'

export type SchemaVerdict = { readonly ok: true } | { readonly ok: false; readonly errors: readonly FieldError[] }

interface SchemaSet {
  readonly types: ReadonlySet<string>
  readonly files: readonly { readonly fileName: string; readonly contents: string }[]
}

let loaded: SchemaSet | undefined

function schemas(): SchemaSet {
  if (loaded !== undefined) return loaded
  const names = readdirSync(XSD_DIR).filter((n) => n.endsWith('.xsd'))
  loaded = {
    types: new Set(names.filter((n) => /^cc\d{3}c\.xsd$/.test(n)).map((n) => n.slice(0, 6).toUpperCase())),
    files: names.map((fileName) => ({ fileName, contents: readFileSync(join(XSD_DIR, fileName), 'utf8') })),
  }
  return loaded
}

/** The message types whose official XSD is vendored. */
export function schemaTypes(): ReadonlySet<string> {
  return schemas().types
}

/** libxml2 writes "Element '{ns}local': ..." or "Element 'local': ..."; the element is what it names. */
const ELEMENT = /^Element '(?:\{[^}]*\})?([^']+)'/

/**
 * Validates `xml` (a message of `type`, e.g. CC015C) against the official XSD; `elements` are
 * its elements as locateElements finds them, when the caller has them already. Faults are
 * reported once each: libxml2 follows a facet failure with a second line for the same element
 * ("... is not a valid value of the atomic type"), which adds nothing the first did not say.
 */
export async function validateNctsSchema(
  type: string,
  xml: string,
  elements: readonly ElementAt[] = locateElements(xml),
): Promise<SchemaVerdict> {
  const set = schemas()
  if (!set.types.has(type)) throw new Error(`no vendored XSD for ${type}`)
  const main = `${type.toLowerCase()}.xsd`
  const spread = spreadElements(xml, elements)
  let result
  try {
    result = await validateXML({
      xml: { fileName: DOCUMENT, contents: spread.text },
      schema: set.files.find((f) => f.fileName === main)!,
      preload: set.files.filter((f) => f.fileName !== main),
      maxMemoryPages: MAX_MEMORY_PAGES,
    })
  } catch (e) {
    // libxml2 could not finish (out of its memory, a failed worker): a refusal, never a crash.
    const why = e instanceof Error ? e.message : String(e)
    return { ok: false, errors: [{ path: '/', code: NCTS_SCHEMA_UNAVAILABLE, message: why.slice(0, 500) }] }
  }
  if (result.valid) return { ok: true }
  const seen = new Set<string>()
  const errors: FieldError[] = []
  let more = 0
  for (const e of result.errors) {
    if (e.loc === null || !Number.isFinite(e.loc.lineNumber)) continue
    const message = e.message.replace(/^Schemas validity error : /, '').trim()
    const name = ELEMENT.exec(message)?.[1]
    const at = name === undefined ? undefined : spread.at(e.loc.lineNumber, name)
    const value = VALUE_FAULT.exec(message)
    const key =
      value === null
        ? `${at?.offset ?? e.loc.lineNumber} ${message}`
        : `${at?.offset ?? e.loc.lineNumber} @${value[1] ?? ''}`
    if (seen.has(key)) continue
    seen.add(key)
    if (errors.length === MAX_SCHEMA_FAULTS) {
      more++
      continue
    }
    errors.push({
      path: at?.path ?? '/',
      code: NCTS_SCHEMA_INVALID,
      message,
      ...(at === undefined ? {} : { line: at.line }),
    })
  }
  if (more > 0)
    errors.push({
      path: '/',
      code: NCTS_SCHEMA_INVALID,
      message: `and ${more} more schema fault(s); the first ${MAX_SCHEMA_FAULTS} are listed`,
    })
  // A failure libxml2 did not place (it always does for validity errors) still refuses the message.
  if (errors.length === 0)
    errors.push({ path: '/', code: NCTS_SCHEMA_INVALID, message: result.rawOutput.trim().slice(0, 500) })
  return { ok: false, errors }
}
