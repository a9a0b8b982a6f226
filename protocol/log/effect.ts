/** What applying an entry did (L9): effective, or kept as ineffective with a reason. */
export type Effect =
  | { readonly effective: true }
  | { readonly effective: false; readonly code: 'not-authorised' | 'precondition' | 'frozen'; readonly reason: string }

export const EFFECTIVE: Effect = { effective: true }

export function notAuthorised(reason: string): Effect {
  return { effective: false, code: 'not-authorised', reason }
}

export function precondition(reason: string): Effect {
  return { effective: false, code: 'precondition', reason }
}

/** Who owns which office with which roles, and who is a member: from the membership. */
export interface OfficeDirectory {
  office(referenceNumber: string): { readonly country: string; readonly roles: readonly string[] } | undefined
}

/** `author` writes at `office`, which it owns and which has `role` (when given). */
export function checkOffice(dir: OfficeDirectory, author: string, office: string, role?: string): Effect {
  const info = dir.office(office)
  if (info === undefined) return notAuthorised(`office ${office} is not in the membership`)
  if (info.country !== author)
    return notAuthorised(`office ${office} belongs to ${info.country}, not to the author ${author}`)
  if (role !== undefined && !info.roles.includes(role)) return notAuthorised(`office ${office} has no ${role} role`)
  return EFFECTIVE
}
