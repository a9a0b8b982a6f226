/**
 * The hint a refusal gets says what is wrong: a role the route does not take (API_FORBIDDEN) is
 * not a write the node refused to sign (NODE_FORBIDDEN: an office, a country), and a state that
 * does not allow an action is not "a conflicting entry" (issue 12: hints are right).
 */
import { describe, expect, it } from 'vitest'
import { problem } from '../node/api/errors.ts'
import { apiError } from './client.ts'
import { translator } from './i18n.ts'

const t = translator('en')
const answer = (status: number, code: string, detail: string) =>
  apiError(status, problem(status, code, detail, {}, '/v1/transits'), t)

describe('the hints of refusals', () => {
  it('a role refusal points at tokens; a refusal to sign points at the reason, not at roles', () => {
    expect(answer(403, 'API_FORBIDDEN', "the caller's role may not use this route").hint).toMatch(/another role/)
    const office = answer(403, 'NODE_FORBIDDEN', "office KZB00100 is outside your token's office KZI00100")
    expect(office.hint).not.toMatch(/another role/)
    expect(office.hint).toMatch(/refused to sign/)
    expect(office.message).toBe("office KZB00100 is outside your token's office KZI00100")
  })

  it('a 409 says the state does not allow it, never that the log holds a conflicting entry', () => {
    const e = answer(409, 'NODE_CONFLICT', 'release: the transit is lodged, not accepted')
    expect(e.hint).not.toMatch(/conflicting entry/)
    expect(e.hint).toMatch(/state that allows this/)
  })
})
