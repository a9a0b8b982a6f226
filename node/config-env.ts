/**
 * The environment variables `sis start` reads, so that a container or a service unit can set
 * what differs per machine without editing node.json: those naming a node.json field are
 * applied over it, the others stand in for a flag that was not given (the flag wins). Pure: the
 * caller hands the environment in. An empty variable counts as unset. A value that cannot be
 * used raises an EnvironmentError naming the variable; docs/configuration.md lists them all
 * (generated from ENVIRONMENT by node/config-reference.ts).
 */
import { multiaddr } from '@multiformats/multiaddr'
import { z } from 'zod'
import { NodeFile } from './config.ts'

/** The log levels of pino, quietest last. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError'
  /** The variable whose value cannot be used. */
  readonly variable: string
  constructor(variable: string, value: string, problem: string) {
    super(`${variable}=${JSON.stringify(value)}: ${problem}`)
    this.variable = variable
  }
}

export interface EnvironmentVariable {
  readonly name: string
  /** The node.json field it overrides (a dotted path), or the `sis start` flag it stands in for. */
  readonly overrides: { readonly field: string } | { readonly flag: string }
  readonly meaning: string
  readonly example: string
}

export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  {
    name: 'SIS_DATA',
    overrides: { flag: '--data' },
    meaning: 'the data folder, when `sis start` is run without `--data`',
    example: '/var/lib/sis',
  },
  {
    name: 'SIS_LISTEN',
    overrides: { field: 'listen' },
    meaning: 'the libp2p listen multiaddrs, comma-separated',
    example: '/ip4/0.0.0.0/tcp/4001',
  },
  {
    name: 'SIS_API_HOST',
    overrides: { field: 'api.host' },
    meaning: 'the interface the HTTP API listens on (an IP address or a host name)',
    example: '0.0.0.0',
  },
  { name: 'SIS_API_PORT', overrides: { field: 'api.port' }, meaning: 'the HTTP API port', example: '8080' },
  {
    name: 'SIS_LOG_LEVEL',
    overrides: { flag: '--log-level' },
    meaning: `the log level, when \`sis start\` is run without \`--log-level\`: ${LOG_LEVELS.join(', ')}`,
    example: 'info',
  },
]

/** What the environment sets, validated. */
export interface StartEnvironment {
  readonly data?: string
  readonly logLevel?: LogLevel
  readonly listen?: string[]
  readonly apiHost?: string
  readonly apiPort?: number
}

const ApiHost = z.union([z.ipv4(), z.ipv6(), z.hostname()])

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value)
}

function parseLogLevel(value: string): LogLevel {
  if (!isLogLevel(value))
    throw new EnvironmentError('SIS_LOG_LEVEL', value, `not a log level: use one of ${LOG_LEVELS.join(', ')}`)
  return value
}

function parseListen(value: string): string[] {
  const addresses = value.split(',').map((a) => a.trim())
  if (addresses.some((a) => a === ''))
    throw new EnvironmentError('SIS_LISTEN', value, 'an empty address: separate multiaddrs by single commas')
  for (const a of addresses) {
    try {
      multiaddr(a)
    } catch (e) {
      throw new EnvironmentError(
        'SIS_LISTEN',
        value,
        `${a} is not a multiaddr (${e instanceof Error ? e.message : String(e)}); for example /ip4/0.0.0.0/tcp/4001`,
      )
    }
  }
  return addresses
}

function parsePort(value: string): number {
  const port = NodeFile.shape.api
    .unwrap()
    .shape.port.unwrap()
    .safeParse(/^\d+$/.test(value) ? Number(value) : NaN)
  if (!port.success) throw new EnvironmentError('SIS_API_PORT', value, 'not a port: a whole number from 0 to 65535')
  return port.data
}

/** Reads and checks the variables of ENVIRONMENT; the others are left alone. */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): StartEnvironment {
  const value = (name: string): string | undefined => (env[name] === '' ? undefined : env[name])
  const data = value('SIS_DATA')
  const logLevel = value('SIS_LOG_LEVEL')
  const listen = value('SIS_LISTEN')
  const apiHost = value('SIS_API_HOST')
  const apiPort = value('SIS_API_PORT')
  if (apiHost !== undefined && !ApiHost.safeParse(apiHost).success)
    throw new EnvironmentError(
      'SIS_API_HOST',
      apiHost,
      'not an IP address or host name (the port goes in SIS_API_PORT)',
    )
  return {
    ...(data === undefined ? {} : { data }),
    ...(logLevel === undefined ? {} : { logLevel: parseLogLevel(logLevel) }),
    ...(listen === undefined ? {} : { listen: parseListen(listen) }),
    ...(apiHost === undefined ? {} : { apiHost }),
    ...(apiPort === undefined ? {} : { apiPort: parsePort(apiPort) }),
  }
}

/** node.json with the fields the environment sets replaced. */
export function overNodeFile(file: NodeFile, environment: StartEnvironment): NodeFile {
  return {
    ...file,
    ...(environment.listen === undefined ? {} : { listen: environment.listen }),
    api: {
      host: environment.apiHost ?? file.api.host,
      port: environment.apiPort ?? file.api.port,
    },
  }
}
