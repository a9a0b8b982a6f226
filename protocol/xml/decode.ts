/**
 * Turning untrusted input into text: the byte limit is checked before any decoding, decoding is
 * strict UTF-8 (a single bad byte refuses the whole input, nothing is replaced by U+FFFD), and a
 * leading byte order mark is dropped. Nothing here looks at the XML yet.
 */

import { SisError } from '../errors.ts'
import { refuse } from './refuse.ts'

const BOM = 0xfeff

/** Decodes bytes or takes a string, enforcing emptiness, size and UTF-8 rules. */
export function decodeInput(input: Uint8Array | string, maxBytes: number): string {
  let text: string
  if (typeof input === 'string') {
    if (input.length === 0) refuse('XML_EMPTY', 'the input is empty (0 characters)')
    const bytes = utf8Length(input, maxBytes)
    // Over the limit, the count stopped early and is only a lower bound.
    if (bytes > maxBytes) refuseSize(bytes, maxBytes, 'at least ')
    text = input.charCodeAt(0) === BOM ? input.slice(1) : input
  } else if (input instanceof Uint8Array) {
    if (input.length === 0) refuse('XML_EMPTY', 'the input is empty (0 bytes)')
    if (input.length > maxBytes) refuseSize(input.length, maxBytes, '')
    text = decodeUtf8(input)
  } else {
    // Only reachable from untyped callers; refuse rather than crash on .length of undefined.
    refuse('XML_MALFORMED', 'the input is neither bytes (Uint8Array) nor a string')
  }
  // Only XML white space left means there is no document at all: treat it like empty input.
  if (/^[ \t\r\n]*$/.test(text)) {
    refuse('XML_EMPTY', 'the input contains no XML, only white space or a byte order mark')
  }
  return text
}

function refuseSize(bytes: number, maxBytes: number, qualifier: string): never {
  refuse(
    'XML_TOO_LARGE',
    `the input is ${qualifier}${bytes} bytes, more than the limit of ${maxBytes} bytes (maxBytes)`,
    {
      limit: maxBytes,
      actual: bytes,
    },
  )
}

/**
 * UTF-8 length of a string, stopping early once it is over `cap` (then the result is a lower
 * bound): a 100 MB string is judged by its first few million code units. Lone surrogates count 3 bytes (as U+FFFD would);
 * they are refused later as forbidden characters.
 */
function utf8Length(text: string, cap: number): number {
  if (text.length > cap) return text.length
  let bytes = 0
  for (let i = 0; i < text.length && bytes <= cap; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // fatal: refuse malformed sequences, overlong forms and encoded surrogates instead of
    // replacing them; ignoreBOM false: the decoder drops one leading BOM for us.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch (cause) {
    const offset = firstInvalidUtf8Offset(bytes)
    throw new SisError(
      'XML_NOT_UTF8',
      `the input is not valid UTF-8: the byte sequence at byte offset ${offset} is invalid`,
      { offset },
      { cause },
    )
  }
}

/**
 * Where strict decoding failed, for the error details (runs only after a failure). Follows the
 * well-formed byte sequences of Unicode table 3-7, the same rules as TextDecoder's fatal mode.
 */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0
    if (lead < 0x80) {
      i++
      continue
    }
    const trailing =
      lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0
    if (trailing === 0) return i
    // The second byte's range is narrower after E0, ED, F0 and F4 (overlongs, surrogates, > U+10FFFF).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    const second = bytes[i + 1] ?? -1
    if (second < low || second > high) return i
    for (let k = 2; k <= trailing; k++) {
      const next = bytes[i + k] ?? -1
      if (next < 0x80 || next > 0xbf) return i
    }
    i += trailing + 1
  }
  return bytes.length
}
