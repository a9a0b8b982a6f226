/**
 * A small Containerfile (Dockerfile) reader and the rules deploy/Containerfile keeps, for
 * deploy/deploy.test.ts: no image builder runs here, so the file is checked by its structure.
 * Instructions are read as the builder reads them: comments and blank lines skipped, lines
 * ending in a backslash joined, JSON-form arguments parsed.
 */

export interface Instruction {
  /** FROM, RUN, USER, ... in upper case. */
  readonly keyword: string
  /** The text after the keyword, continuation lines joined. */
  readonly raw: string
  /** The arguments: the JSON array when given in exec form, else the words. */
  readonly args: readonly string[]
  readonly line: number
}

export function parseContainerfile(text: string): Instruction[] {
  const instructions: Instruction[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1
    let logical = lines[i] ?? ''
    if (/^\s*(#|$)/.test(logical)) continue
    while (logical.endsWith('\\') && i + 1 < lines.length) {
      i++
      const next = lines[i] ?? ''
      if (!/^\s*#/.test(next)) logical = logical.slice(0, -1) + ' ' + next.trim()
    }
    const match = /^\s*(\S+)\s*(.*)$/.exec(logical)
    if (match === null) continue
    const raw = (match[2] ?? '').trim()
    instructions.push({ keyword: (match[1] ?? '').toUpperCase(), raw, args: argsOf(raw), line: first })
  }
  return instructions
}

function argsOf(raw: string): string[] {
  const json = raw.replace(/^(--\S+\s+)*/, '')
  if (json.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(json)
      if (Array.isArray(parsed) && parsed.every((a) => typeof a === 'string')) return parsed as string[]
    } catch {
      // Not valid JSON: the builder takes it in shell form too.
    }
  }
  return raw.split(/\s+/).filter((w) => w !== '')
}

/** The ENV settings, in both forms (`ENV A=1 B=2` and `ENV A 1`). */
export function envOf(instructions: readonly Instruction[]): Map<string, string> {
  const env = new Map<string, string>()
  for (const i of instructions.filter((x) => x.keyword === 'ENV')) {
    if (!i.raw.includes('=')) env.set(i.args[0] ?? '', i.args.slice(1).join(' '))
    else
      for (const [, k, v] of i.raw.matchAll(/(\w+)=("[^"]*"|\S*)/g)) env.set(k ?? '', (v ?? '').replace(/^"|"$/g, ''))
  }
  return env
}

/** What is wrong with a Containerfile for a node image; empty when nothing. */
export function containerfileProblems(text: string, dataFolder = '/var/lib/sis'): string[] {
  const all = parseContainerfile(text)
  const of = (k: string) => all.filter((i) => i.keyword === k)
  const problems: string[] = []
  for (const from of of('FROM')) {
    const image = from.args.find((a) => !a.startsWith('--')) ?? ''
    const tag = /:([^/:@]+)$/.exec(image)?.[1]
    if (!image.includes('@sha256:') && (tag === undefined || tag === 'latest'))
      problems.push(`line ${from.line}: the base image ${image} is not pinned by a tag`)
  }
  const user = of('USER').at(-1)?.args[0]?.split(':')[0]
  if (user === undefined || user === 'root' || user === '0')
    problems.push('the image runs as root: add USER with an unprivileged user')
  const health = of('HEALTHCHECK').at(-1)
  if (health === undefined || health.args[0]?.toUpperCase() === 'NONE') problems.push('no HEALTHCHECK')
  else if (!health.raw.includes('/health/live')) problems.push('the HEALTHCHECK does not call /health/live')
  const volumes = of('VOLUME').flatMap((v) => v.args)
  if (!volumes.some((v) => dataFolder === v || dataFolder.startsWith(`${v.replace(/\/$/, '')}/`)))
    problems.push(`no VOLUME covers the data folder ${dataFolder}`)
  for (const add of of('ADD').filter((a) => a.args.some((x) => /^https?:/i.test(x))))
    problems.push(`line ${add.line}: ADD of a URL (fetch it in a RUN with a checksum, or COPY it)`)
  const env = envOf(all)
  if (env.get('SIS_DATA') !== dataFolder) problems.push(`SIS_DATA is not the data volume ${dataFolder}`)
  const exposed = of('EXPOSE').flatMap((e) => e.args.map((p) => p.replace(/\/tcp$/, '')))
  const apiPort = env.get('SIS_API_PORT')
  if (apiPort === undefined || !exposed.includes(apiPort)) problems.push('the API port (SIS_API_PORT) is not exposed')
  const p2pPort = /\/tcp\/(\d+)/.exec(env.get('SIS_LISTEN') ?? '')?.[1]
  if (p2pPort === undefined || !exposed.includes(p2pPort)) problems.push('the libp2p port (SIS_LISTEN) is not exposed')
  const command = [...(of('ENTRYPOINT').at(-1)?.args ?? []), ...(of('CMD').at(-1)?.args ?? [])].join(' ')
  if (command !== 'node cli/bin/sis.ts start')
    problems.push(`the image runs "${command}", not "node cli/bin/sis.ts start"`)
  return problems
}
