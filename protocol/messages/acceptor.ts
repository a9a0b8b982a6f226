/**
 * A fast acceptance test compiled from the zod schema of each message: does zod accept this
 * decoded message, with an output equal to the message itself? It answers yes or "ask zod",
 * never no, so zod stays the one that judges and reports every refusal (validate.ts runs it
 * whenever the acceptor does not accept).
 *
 * It is zod with its generic machinery taken out, not a second set of rules: the value checks it
 * runs are the zod check objects of the schema themselves (lengths, patterns, code lists,
 * refinements), in the schema's order, and it knows only the few schema kinds the catalogue
 * uses (object, array, optional, string, enum). A schema with anything else does not compile,
 * and that message type is always left to zod. acceptor.test.ts compares its verdicts with
 * zod's on thousands of mutated messages.
 */
import type { z } from 'zod'
import { MESSAGE_TYPE_NAMES } from './catalogue/index.ts'
import type { MessageTypeName } from './catalogue/index.ts'
import { messageSchema } from './schema.ts'
import { messageShape } from './shape.ts'
import type { ComplexType } from './shape.ts'
import type { FieldCheck } from './decode.ts'

export type Acceptor = (value: unknown) => boolean

/** A schema kind the acceptor does not know: the message type is left to zod alone. */
class Unsupported extends Error {}

interface CheckPayload {
  value: unknown
  issues: unknown[]
}

interface ZodCheckInternals {
  readonly def: { readonly check?: string; readonly when?: (payload: CheckPayload) => boolean }
  readonly check: (payload: CheckPayload) => unknown
}

/** The zod internals the acceptor reads: a schema's definition, and its checks. */
interface ZodInternals {
  readonly def: {
    readonly type: string
    readonly checks?: readonly { readonly _zod: ZodCheckInternals }[]
    readonly shape?: Readonly<Record<string, z.ZodType>>
    readonly catchall?: unknown
    readonly innerType?: z.ZodType
    readonly element?: z.ZodType
    readonly entries?: Readonly<Record<string, unknown>>
  }
}

function internals(schema: z.ZodType): ZodInternals {
  return (schema as unknown as { _zod: ZodInternals })._zod
}

// One payload object for every check (the acceptor is synchronous and not re-entered).
const payload: CheckPayload = { value: undefined, issues: [] }

/** Runs zod's own check objects on a value, as zod's runChecks does, stopping at the first issue. */
function compileChecks(schema: z.ZodType): (value: unknown) => boolean {
  const checks = (internals(schema).def.checks ?? []).map((c) => c._zod)
  if (checks.length === 0) return () => true
  return (value) => {
    payload.value = value
    if (payload.issues.length > 0) payload.issues = []
    for (const check of checks) {
      const when = check.def.when
      if (when !== undefined && !when(payload)) continue
      const result = check.check(payload)
      // An asynchronous refinement cannot be judged here: ask zod.
      if (result instanceof Promise) return false
      if (payload.issues.length > 0) {
        payload.issues = []
        return false
      }
    }
    return true
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function compile(schema: z.ZodType): Acceptor {
  const def = internals(schema).def
  switch (def.type) {
    case 'string': {
      const checks = compileChecks(schema)
      return (value) => typeof value === 'string' && checks(value)
    }
    case 'enum': {
      if ((def.checks ?? []).length > 0) throw new Unsupported('checks on an enum')
      const values = new Set(Object.values(def.entries ?? {}))
      return (value) => values.has(value)
    }
    case 'optional': {
      if (def.innerType === undefined) throw new Unsupported('optional without inner type')
      const inner = compile(def.innerType)
      return (value) => value === undefined || inner(value)
    }
    case 'array': {
      if (def.element === undefined) throw new Unsupported('array without element')
      const element = compile(def.element)
      const checks = compileChecks(schema)
      return (value) => {
        if (!Array.isArray(value) || !checks(value)) return false
        for (const item of value) if (!element(item)) return false
        // zod hands back a fresh array of the elements only: no holes, no other properties.
        let keys = 0
        for (const key in value) if (Object.hasOwn(value, key)) keys++
        return keys === value.length
      }
    }
    case 'object': {
      // Only zod's default (strip unknown keys): the acceptor then refuses unknown keys, so
      // that what it accepts is also what zod would hand back.
      if (def.catchall !== undefined) throw new Unsupported('object with catchall, strict or passthrough')
      if ((def.checks ?? []).length > 0) throw new Unsupported('checks on an object')
      const fields = Object.entries(def.shape ?? {}).map(([key, field]) => ({
        key,
        accept: compile(field),
        optional: internals(field).def.type === 'optional',
      }))
      return (value) => {
        if (!isObject(value)) return false
        let present = 0
        for (const f of fields) {
          const v = value[f.key]
          if (v === undefined) {
            if (!f.optional) return false
            // zod keeps an optional key that is present with the value undefined.
            if (Object.hasOwn(value, f.key)) present++
            continue
          }
          if (!f.accept(v)) return false
          present++
        }
        let keys = 0
        for (const key in value) if (Object.hasOwn(value, key)) keys++
        return keys === present
      }
    }
    default:
      throw new Unsupported(`schema type ${def.type}`)
  }
}

/** The acceptor of any zod schema of the kinds above; throws for a schema it cannot take. */
export function compileAcceptor(schema: z.ZodType): Acceptor {
  return compile(schema)
}

const acceptors = new Map<MessageTypeName, Acceptor | null>()

/** The acceptor of a message type, or undefined when its schema is left to zod. */
export function messageAcceptor(type: MessageTypeName): Acceptor | undefined {
  let acceptor = acceptors.get(type)
  if (acceptor === undefined) {
    try {
      acceptor = compile(messageSchema(type))
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e
      acceptor = null
    }
    acceptors.set(type, acceptor)
  }
  return acceptor ?? undefined
}

/**
 * The same checks laid out along the message's XML shape, for the decoder to run as it builds
 * the message (decode.ts, FieldCheck): one walk instead of two. What the decoder builds has only
 * the shape's element names as keys, so the object-level part of the acceptor (unknown keys,
 * undefined values) is given; what remains is each value's checks, each required key's presence
 * and each array's length checks. The shape and the schema must name the same elements at every
 * level, or the message type gets no plan and the acceptor runs after decoding instead.
 */
function planFor(shape: ComplexType, schema: z.ZodType): FieldCheck[] {
  const def = internals(schema).def
  if (def.type !== 'object' || def.catchall !== undefined || (def.checks ?? []).length > 0)
    throw new Unsupported('shape and schema differ')
  const fields = def.shape ?? {}
  const names = Object.keys(fields)
  if (names.length !== shape.children.length || shape.children.some((c, i) => c.name !== names[i]))
    throw new Unsupported('shape and schema name different elements')
  return shape.children.map((child) => {
    let field = fields[child.name] as z.ZodType
    const required = internals(field).def.type !== 'optional'
    if (!required) field = internals(field).def.innerType ?? field
    let array: ((values: unknown) => boolean) | undefined
    if (child.repeated) {
      if (internals(field).def.type !== 'array') throw new Unsupported('a repeated element that is not an array')
      array = compileChecks(field)
      field = internals(field).def.element ?? field
    } else if (internals(field).def.type === 'array') throw new Unsupported('an array that is not a repeated element')
    if (child.type.kind === 'complex') return { required, array, children: planFor(child.type, field) }
    return { required, array, value: compile(field) }
  })
}

const plans = new Map<MessageTypeName, readonly FieldCheck[] | null>()

/** The decoder's value checks for a message type, or undefined when it has none. */
export function messageFieldChecks(type: MessageTypeName): readonly FieldCheck[] | undefined {
  let plan = plans.get(type)
  if (plan === undefined) {
    try {
      plan = planFor(messageShape(type), messageSchema(type))
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e
      plan = null
    }
    plans.set(type, plan)
  }
  return plan ?? undefined
}

/** Message types whose schema the acceptor cannot take (a test keeps this list empty). */
export function unsupportedMessageTypes(): MessageTypeName[] {
  return MESSAGE_TYPE_NAMES.filter((t) => messageAcceptor(t) === undefined || messageFieldChecks(t) === undefined)
}
