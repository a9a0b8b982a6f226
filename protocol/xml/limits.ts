/**
 * Resolving the caller's limits. Limits come from our own code and configuration, never from a
 * peer, so a nonsensical limit is a programming error (RangeError), not a refusal of input.
 */

import { DEFAULT_XML_LIMITS } from './types.ts'
import type { XmlLimits } from './types.ts'

const LIMIT_NAMES = [
  'maxBytes',
  'maxDepth',
  'maxElements',
  'maxAttributesPerElement',
  'maxReferences',
  'maxValueLength',
] as const satisfies readonly (keyof XmlLimits)[]

/**
 * The defaults overridden by whatever the caller set. `undefined` means "use the default", so
 * a caller can pass an optional configuration value straight through.
 */
export function resolveLimits(overrides: Partial<XmlLimits> = {}): XmlLimits {
  const resolved: Record<keyof XmlLimits, number> = { ...DEFAULT_XML_LIMITS }
  for (const name of LIMIT_NAMES) {
    const value = overrides[name]
    if (value === undefined) continue
    // A limit of 0, NaN or a fraction would silently refuse or accept everything.
    if (!(Number.isInteger(value) && value > 0) && value !== Number.POSITIVE_INFINITY) {
      throw new RangeError(`XML limit ${name} must be a positive integer or Infinity, got ${String(value)}`)
    }
    resolved[name] = value
  }
  return resolved
}
