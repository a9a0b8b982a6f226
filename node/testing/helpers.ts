/**
 * Test helpers that node/'s tests and test-network/ share (test-network may import node/, not the
 * reverse): a free TCP port, and polling until a condition holds.
 */
import { createServer } from 'node:net'

/**
 * A free port below Linux's ephemeral range (32768 and up): ports are often chosen before they are
 * bound (they go into a membership, or a node starts later), and in between the kernel hands out
 * ephemeral ports to outgoing connections, so a port from that range could be taken meanwhile.
 * A port is handed out once per process.
 */
const handedOut = new Set<number>()

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (handedOut.has(port)) continue
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer()
      srv.once('error', () => resolve(false))
      srv.listen(port, host, () => srv.close(() => resolve(true)))
    })
    if (free) {
      handedOut.add(port)
      return port
    }
    if (attempt > 200) throw new Error(`no free port found on ${host}`)
  }
}

/**
 * Polls `check` every `every` ms until it returns a value other than undefined (a check that
 * throws counts as not yet), and returns that value; throws after `ms`, naming `what`.
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  ms = 20_000,
  every = 100,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await Promise.resolve()
      .then(check)
      .catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, every))
  }
}
