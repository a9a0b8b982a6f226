/** `npm run bench`: every benchmark, one table each. `--seconds N` sets the time per figure. */
import { parseArgs } from 'node:util'
import { benchXml } from './xml.ts'
import { benchLog } from './log.ts'
import { benchStore } from '../../node/storage/bench.ts'
import { printTable } from './measure.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' } } })
const seconds = Number(values.seconds)
if (!(seconds > 0)) throw new Error('--seconds takes a positive number')

process.stdout.write(`node ${process.version}, ${new Date().toISOString()}\n`)
printTable('XML message layer (messages per second)', benchXml(seconds))
printTable('Signatures and intake (per second)', benchLog(seconds))
printTable('Durable storage, LevelDB with synced writes (entries per second)', await benchStore(seconds))
