import { describe, expect, it } from 'vitest'
import { NodeFile } from './config.ts'
import { EnvironmentError, overNodeFile, readEnvironment } from './config-env.ts'

const file = NodeFile.parse({ country: 'KZ', keyId: 'kz-2026-1', listen: ['/ip4/10.0.0.11/tcp/4001'] })

function refusal(env: Record<string, string>): EnvironmentError {
  try {
    readEnvironment(env)
  } catch (e) {
    if (e instanceof EnvironmentError) return e
    throw e
  }
  throw new Error(`${JSON.stringify(env)} was accepted`)
}

describe('the environment of sis start', () => {
  it('overrides listen, api.host and api.port of node.json, and leaves the rest', () => {
    const env = readEnvironment({
      SIS_LISTEN: '/ip4/0.0.0.0/tcp/4001, /ip6/::/tcp/4001',
      SIS_API_HOST: '0.0.0.0',
      SIS_API_PORT: '8080',
      SIS_DATA: '/var/lib/sis',
      SIS_LOG_LEVEL: 'warn',
      PATH: '/usr/bin',
    })
    expect(env).toEqual({
      listen: ['/ip4/0.0.0.0/tcp/4001', '/ip6/::/tcp/4001'],
      apiHost: '0.0.0.0',
      apiPort: 8080,
      data: '/var/lib/sis',
      logLevel: 'warn',
    })
    expect(overNodeFile(file, env)).toEqual({
      ...file,
      listen: ['/ip4/0.0.0.0/tcp/4001', '/ip6/::/tcp/4001'],
      api: { host: '0.0.0.0', port: 8080 },
    })
  })

  it('takes an unset or empty variable as absent, and node.json stays as it is', () => {
    const env = readEnvironment({ SIS_LISTEN: '', SIS_API_PORT: '' })
    expect(env).toEqual({})
    expect(overNodeFile(file, env)).toEqual(file)
    expect(overNodeFile(file, readEnvironment({ SIS_API_HOST: 'node.example' })).api).toEqual({
      host: 'node.example',
      port: 0,
    })
  })

  it.each([
    ['SIS_API_PORT', '80a', /not a port/],
    ['SIS_API_PORT', '65536', /not a port/],
    ['SIS_API_PORT', '-1', /not a port/],
    ['SIS_API_PORT', '8080.5', /not a port/],
    ['SIS_API_HOST', '0.0.0.0:8080', /SIS_API_PORT/],
    ['SIS_API_HOST', 'a host', /not an IP address or host name/],
    ['SIS_LISTEN', '/ip4/0.0.0.0/tcp/4001,,/ip4/1.2.3.4/tcp/1', /empty address/],
    ['SIS_LISTEN', '0.0.0.0:4001', /0\.0\.0\.0:4001 is not a multiaddr/],
    ['SIS_LISTEN', '/ip4/300.1.1.1/tcp/4001', /is not a multiaddr/],
    ['SIS_LOG_LEVEL', 'verbose', /not a log level: use one of trace, debug, info/],
  ])('refuses %s=%s with an error naming the variable', (variable, value, problem) => {
    const e = refusal({ [variable]: value })
    expect(e.variable).toBe(variable)
    expect(e.message).toMatch(new RegExp(`^${variable}=`))
    expect(e.message).toMatch(problem)
  })
})
