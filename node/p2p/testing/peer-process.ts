/**
 * A member node reduced to its p2p host, as a separate process, for the tests (and for poking at
 * a federation by hand). It speaks JSON lines: events and answers on stdout, commands on stdin.
 *
 *   node node/p2p/peer-process.ts --key KEYFILE --members MEMBERS.json --listen /ip4/127.0.0.1/tcp/0
 *
 * stdout: {"event":"ready","peerId","addresses"} once listening; then {"event":"connected"|
 * "disconnected","country"} and {"event":"denied","peerId","direction"} as they happen.
 * stdin:  {"id":1,"cmd":"request","country":"KZ","name":"echo","frames":["<base64>"],"timeoutMs":5000}
 *         {"id":2,"cmd":"status"}   {"id":3,"cmd":"stop"}
 * Each command is answered by a line with its id: {"id","ok":true,...} or {"id","ok":false,"code","message"}.
 *
 * Serves 'echo' (answers with the request) under the default limits and 'echo-limited' with
 * frames of at most --limited-frame-bytes (default 65536), to show refusals of large frames.
 * Stops when stdin closes, so a test runner that dies does not leave it behind.
 */
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { P2PError } from '../errors.ts'
import { P2PHost } from '../host.ts'
import { staticMemberDirectory } from '../members.ts'
import type { Member } from '../members.ts'
import { readPeerKeyFile } from '../peer-key.ts'

const { values } = parseArgs({
  options: {
    key: { type: 'string' },
    members: { type: 'string' },
    listen: { type: 'string', multiple: true },
    prefix: { type: 'string' },
    'limited-frame-bytes': { type: 'string', default: '65536' },
  },
})
if (values.key === undefined || values.members === undefined) {
  process.stderr.write(
    'usage: peer-process.ts --key FILE --members FILE [--listen MULTIADDR]... [--prefix /carec-sis]\n',
  )
  process.exit(2)
}

function emit(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

const members = staticMemberDirectory(JSON.parse(readFileSync(values.members, 'utf8')) as Member[])
const host = await P2PHost.create({
  privateKey: readPeerKeyFile(values.key),
  listen: values.listen ?? ['/ip4/127.0.0.1/tcp/0'],
  members,
  ...(values.prefix === undefined ? {} : { protocolPrefix: values.prefix }),
})
const echo = async (request: Uint8Array[]): Promise<Uint8Array[]> => request
await host.handle('echo', echo)
await host.handle('echo-limited', echo, { maxFrameBytes: Number(values['limited-frame-bytes']) })
host.onMemberConnected((country) => emit({ event: 'connected', country }))
host.onMemberDisconnected((country) => emit({ event: 'disconnected', country }))
host.onPeerDenied((peerId, direction) => emit({ event: 'denied', peerId, direction }))
await host.start()
emit({ event: 'ready', peerId: host.peerId, addresses: host.addresses() })

let stopping = false
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true
    await host.stop().catch(() => undefined)
  }
  process.exit(code)
}

interface Command {
  id?: unknown
  cmd?: unknown
  country?: unknown
  name?: unknown
  frames?: unknown
  timeoutMs?: unknown
}

async function run(command: Command): Promise<Record<string, unknown>> {
  switch (command.cmd) {
    case 'request': {
      const frames = (command.frames as string[]).map((b64) => new Uint8Array(Buffer.from(b64, 'base64')))
      const timeoutMs = typeof command.timeoutMs === 'number' ? command.timeoutMs : 10_000
      const answer = await host.request(String(command.country), String(command.name), frames, { timeoutMs })
      return { frames: answer.map((frame) => Buffer.from(frame).toString('base64')) }
    }
    case 'status':
      return {
        connectedMembers: host.connectedMembers(),
        connectedPeers: host.connectedPeers(),
        addresses: host.addresses(),
      }
    case 'stop':
      setImmediate(() => void stop(0))
      return {}
    default:
      throw new Error(`unknown command ${String(command.cmd)}`)
  }
}

const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  let command: Command
  try {
    command = JSON.parse(line) as Command
  } catch {
    emit({ ok: false, code: 'BAD_COMMAND', message: 'not JSON' })
    return
  }
  run(command).then(
    (result) => emit({ id: command.id, ok: true, ...result }),
    (error: unknown) =>
      emit({
        id: command.id,
        ok: false,
        code: error instanceof P2PError ? error.code : 'FAILED',
        remote: error instanceof P2PError ? error.remote : false,
        message: error instanceof Error ? error.message : String(error),
      }),
  )
})
lines.on('close', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
