/**
 * Who must hold a document, by the rule of its kind: a route, an issuer and the countries a
 * document is valid in, named addressees, every member, or any other function of the state
 * a kind declares. Nobody else receives it, or learns that it exists (THREATS 19).
 */
import { kindNamed } from '../kinds/registry.ts'
import type { Membership } from '../membership/index.ts'
import type { DocumentState } from './state.ts'

export function audienceOf(state: DocumentState, membership: Pick<Membership, 'office' | 'document'>): string[] {
  const kind = kindNamed(state.kind)
  if (kind === undefined) return []
  const rule = kind.audience(state.facts, membership)
  const countries = rule === 'every-member' ? membership.document.members.map((m) => m.country) : rule
  return [...new Set(countries)].sort()
}
