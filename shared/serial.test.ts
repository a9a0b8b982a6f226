import { describe, expect, it } from 'vitest'
import { SerialQueue } from './serial.ts'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

describe('SerialQueue', () => {
  it('runs sections one at a time, in the order queued, even when an earlier one is slower', async () => {
    const q = new SerialQueue()
    const log: string[] = []
    let running = 0
    let most = 0
    const section = (name: string, ms: number) => async (): Promise<string> => {
      running++
      most = Math.max(most, running)
      log.push(`start ${name}`)
      await sleep(ms)
      log.push(`end ${name}`)
      running--
      return name
    }
    const results = await Promise.all([q.run(section('a', 30)), q.run(section('b', 1)), q.run(section('c', 10))])
    expect(results).toEqual(['a', 'b', 'c'])
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
    expect(most).toBe(1)
  })

  it('rejects only the caller of a failing section (also a synchronous throw); the next still runs', async () => {
    const q = new SerialQueue()
    const failing = q.run(async () => {
      await sleep(5)
      throw new Error('boom')
    })
    const throwing = q.run(() => {
      throw new Error('sync')
    })
    const after = q.run(() => 'ran')
    await expect(failing).rejects.toThrow('boom')
    await expect(throwing).rejects.toThrow('sync')
    await expect(after).resolves.toBe('ran')
  })

  it('idle() waits for everything queued so far and does not reject', async () => {
    const q = new SerialQueue()
    let done = 0
    void q.run(async () => {
      await sleep(10)
      done++
    })
    q.run(async () => {
      throw new Error('x')
    }).catch(() => undefined)
    void q.run(async () => {
      await sleep(5)
      done++
    })
    await q.idle()
    expect(done).toBe(2)
    await expect(new SerialQueue().idle()).resolves.toBeUndefined()
  })
})
