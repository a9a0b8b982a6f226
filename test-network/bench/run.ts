/**
 * `npm run bench`: every benchmark, one table each. `--seconds N` sets the time per figure of the
 * in-process tables; `--only network|xml|ncts|log|store` runs one table; `--entries N`, `--changes N`
 * and `--settle MS` (pause between timed changes) shape the network table (real node processes;
 * a few minutes on a small machine).
 */
import { parseArgs } from 'node:util'
import { benchXml } from './xml.ts'
import { benchNcts } from './ncts.ts'
import { benchLog } from './log.ts'
import { benchNetwork } from './network.ts'
import { benchStore } from '../../node/storage/testing/bench.ts'
import { printTable } from './measure.ts'

const TABLES = ['xml', 'ncts', 'log', 'store', 'network'] as const
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    only: { type: 'string' },
    entries: { type: 'string', default: '10000' },
    changes: { type: 'string', default: '50' },
    settle: { type: 'string', default: '20' },
  },
})
const seconds = Number(values.seconds)
if (!(seconds > 0)) throw new Error('--seconds takes a positive number')
const only = values.only
if (only !== undefined && !(TABLES as readonly string[]).includes(only))
  throw new Error(`--only takes one of ${TABLES.join(', ')}`)
const entries = Number(values.entries)
const changes = Number(values.changes)
if (!(Number.isInteger(entries) && entries >= 10) || !(Number.isInteger(changes) && changes >= 1))
  throw new Error('--entries takes an integer ≥ 10, --changes an integer ≥ 1')
const run = (t: (typeof TABLES)[number]) => only === undefined || only === t

process.stdout.write(`node ${process.version}, ${new Date().toISOString()}\n`)
if (run('xml')) printTable('XML message layer (messages per second)', benchXml(seconds))
if (run('ncts')) printTable('NCTS import (messages per second)', await benchNcts(seconds))
if (run('log')) printTable('Signatures and intake (per second)', benchLog(seconds))
if (run('store'))
  printTable('Durable storage, LevelDB with synced writes (entries per second)', await benchStore(seconds))
if (run('network'))
  printTable(
    'Network (real node processes on loopback)',
    await benchNetwork({ entries, changes, settleMs: Number(values.settle) }),
  )
