import { describe, expect, it } from 'vitest'
import { SseParser } from './sse.ts'
import { backoffDelay, withRetry } from '../isolation.ts'
import { NodeClientError } from '../contract.ts'

describe('SSE parser', () => {
  it('frames events across chunk boundaries, CRLF and comments', () => {
    const p = new SseParser()
    const out = [
      ...p.push(': connected\r\n\r\nevent: document-changed\r'),
      ...p.push('\ndata: {"a":'),
      ...p.push('1}\n\n: heartbeat\n\ndata: x\ndata: y\n\n'),
    ]
    expect(out).toEqual([
      { event: 'document-changed', data: '{"a":1}' },
      { event: 'message', data: 'x\ny' },
    ])
  })

  it('refuses an endless line', () => {
    expect(() => new SseParser(16).push('data: 0123456789abcdefghij')).toThrow()
  })
})

describe('retries', () => {
  it('backs off exponentially within the cap, with jitter', () => {
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000 }
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 1))).toEqual([100, 200, 400, 800, 1000])
    expect(backoffDelay(policy, 3, () => 0)).toBe(200)
  })

  it('retries only what may succeed later', async () => {
    let n = 0
    const sleep = async () => undefined
    await expect(
      withRetry(
        async () => {
          n++
          throw new NodeClientError(400, 'MSG_INVALID_VALUE', 'no')
        },
        { sleep },
      ),
    ).rejects.toMatchObject({ code: 'MSG_INVALID_VALUE' })
    expect(n).toBe(1)
    n = 0
    expect(
      await withRetry(
        async () => {
          if (++n < 3) throw new NodeClientError(503, 'API_UNAVAILABLE', 'later')
          return 'ok'
        },
        { sleep },
      ),
    ).toBe('ok')
    expect(n).toBe(3)
  })
})
