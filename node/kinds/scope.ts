/** Who may write what, as far as it is the same for every kind: the principal's side of a command. */
import { SisError } from '../../protocol/errors.ts'
import { NodeError } from '../errors.ts'
import type { Principal } from '../service.ts'

/** Traders and carriers read their documents; officers and the national system write. */
export function mayWrite(p: Principal): void {
  if (p.role === 'trader')
    throw new NodeError('NODE_FORBIDDEN', 'traders read their documents; officers and the national system write', {
      role: p.role,
    })
}

/** An officer writes only in the name of its own office (`named`: the offices the body names as the writer's). */
export function actsAsOwnOffice(p: Principal, named: readonly string[]): void {
  if (p.role !== 'officer') return
  if (named.length > 0 && !named.includes(p.office))
    throw new NodeError(
      'NODE_FORBIDDEN',
      `office ${named.filter((o) => o !== p.office).join(', ')} is outside your token's office ${p.office}`,
      { office: p.office },
    )
}

/** A JSON body as a plain object (a copy the command may fill in). */
export function bodyObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new SisError('MSG_INVALID_VALUE', 'the body must be a JSON object', {})
  return structuredClone(input) as Record<string, unknown>
}
