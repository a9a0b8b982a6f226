// The node's metrics as Prometheus scrapes them: sis_ names, per-peer series present at 0 for
// every other member before anything happens, the membership gauges and build info.
import { describe, expect, it } from 'vitest'
import { LOCAL_PEER, METRIC_NAMES, countRequest, createMetrics } from './metrics.ts'

/** The sample lines of a scrape, without comments. */
async function samples(metrics: ReturnType<typeof createMetrics>): Promise<string[]> {
  return (await metrics.registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#'))
}

function sources(state: { peers: string[]; connected: string[]; version: number; validUntil: string }) {
  return {
    peers: () => state.peers,
    connected: () => state.connected,
    membership: () => ({ version: state.version, validUntil: state.validUntil }),
  }
}

describe('createMetrics', () => {
  it('names every metric sis_, its own and the process and Node.js ones', async () => {
    const text = await createMetrics().registry.metrics()
    const types = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? '')
    for (const name of METRIC_NAMES) expect(types).toContain(name)
    expect(types).toContain('sis_process_resident_memory_bytes')
    expect(types).toContain('sis_nodejs_eventloop_lag_seconds')
    expect(types.filter((t) => !t.startsWith('sis_'))).toEqual([])
    expect(text).toMatch(/^sis_build_info\{version="[^"]+",node="v\d+\.\d+\.\d+"\} 1$/m)
  })

  it('leaves the default metrics out when asked, so only the node’s own remain', async () => {
    const text = await createMetrics({}, { defaultMetrics: false }).registry.metrics()
    const types = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1])
    expect(types.sort()).toEqual([...METRIC_NAMES].sort())
  })

  it('has every per-peer series at 0 from the start, also for a member a later version adds', async () => {
    const state = { peers: ['CN', 'UZ'], connected: ['UZ'], version: 3, validUntil: '2027-01-01T00:00:00Z' }
    const metrics = createMetrics(sources(state), { defaultMetrics: false })
    let lines = await samples(metrics)
    for (const peer of ['CN', 'UZ'])
      for (const name of [
        'sis_entries_in_total',
        'sis_entries_out_total',
        'sis_outbox_depth',
        'sis_replication_lag_seconds',
      ])
        expect(lines).toContain(`${name}{peer="${peer}"} 0`)
    expect(lines).toContain('sis_peer_up{peer="CN"} 0')
    expect(lines).toContain('sis_peer_up{peer="UZ"} 1')
    expect(lines).toContain('sis_peers_connected 1')

    // What the node counted stays; a scrape adds zeros only where nothing is yet.
    metrics.entriesIn.inc({ peer: 'CN' }, 4)
    metrics.outboxDepth.set({ peer: 'UZ' }, 7)
    Object.assign(state, { peers: ['CN', 'UZ', 'KG'], connected: [], version: 4 })
    lines = await samples(metrics)
    expect(lines).toContain('sis_entries_in_total{peer="CN"} 4')
    expect(lines).toContain('sis_outbox_depth{peer="UZ"} 7')
    expect(lines).toContain('sis_outbox_depth{peer="KG"} 0')
    expect(lines).toContain('sis_entries_out_total{peer="KG"} 0')
    expect(lines).toContain('sis_peer_up{peer="UZ"} 0')
    expect(lines).toContain('sis_peer_up{peer="KG"} 0')
    expect(lines).toContain('sis_membership_version 4')
    expect(lines).toContain(`sis_membership_valid_until_seconds ${Date.parse('2027-01-01T00:00:00Z') / 1000}`)

    // A member removed from the membership is no longer "down".
    state.peers = ['CN']
    expect((await samples(metrics)).filter((l) => l.startsWith('sis_peer_up'))).toEqual(['sis_peer_up{peer="CN"} 0'])
  })

  it('counts and times requests by route template, method and code; refusals by code and peer', async () => {
    const metrics = createMetrics({}, { defaultMetrics: false })
    countRequest(metrics, { route: '/v1/transits/:documentId', method: 'GET', code: 404 }, 0.03)
    countRequest(metrics, { route: '/v1/events', method: 'GET', code: 200 })
    metrics.rejectsTotal.inc({ code: 'SIG_INVALID', peer: 'CN' })
    metrics.rejectsTotal.inc({ code: 'API_NOT_FOUND', peer: LOCAL_PEER })
    const lines = await samples(metrics)
    const labels = 'route="/v1/transits/:documentId",method="GET",code="404"'
    expect(lines).toContain(`sis_http_requests_total{${labels}} 1`)
    expect(lines).toContain(`sis_http_request_duration_seconds_bucket{le="0.05",${labels}} 1`)
    expect(lines).toContain(`sis_http_request_duration_seconds_bucket{le="0.025",${labels}} 0`)
    expect(lines).toContain('sis_http_requests_total{route="/v1/events",method="GET",code="200"} 1')
    // The stream is counted, not timed.
    expect(lines.some((l) => l.includes('duration') && l.includes('/v1/events'))).toBe(false)
    expect(lines).toContain('sis_rejects_total{code="SIG_INVALID",peer="CN"} 1')
    expect(lines).toContain('sis_rejects_total{code="API_NOT_FOUND",peer="local"} 1')
  })
})
