/**
 * `sis federation show` and `sis federation join`: the membership as a chain of versions.
 *
 * show judges any version against its predecessors, offline: given the chain's files (in any
 * order) and/or a stopped node's data folder, it says for each version whether it follows the
 * one before and who signed it, and for the newest whether it is in force — so an operator checks
 * that a proposal has its quorum before posting it.
 *
 * join starts a country admitted by a later version: it takes the chain from files or from a
 * member's address, verifies every step from the founding version (signed by every founder) to
 * the version in force (each signed by the quorum of the one before), checks that the version in
 * force lists this node's country, PeerId and signing key, and writes the chain into the data
 * folder. The node then starts from that version and receives the documents whose audience
 * includes it from the members it connects to.
 */
import type { Command } from 'commander'
import { join } from 'node:path'
import { publicKeyToBase64 } from '../../protocol/crypto/index.ts'
import { judgeChain, parseSignedMembership } from '../../protocol/membership/index.ts'
import type { ChainVerdict, SignedMembership, VersionVerdict } from '../../protocol/membership/index.ts'
import { DATA_FILES } from '../../node/config.ts'
import { readSigningKey } from '../../node/keys.ts'
import { fetchMembershipChain, peerIdOfKey, readPeerKeyFile, splitMemberAddress } from '../../node/p2p/index.ts'
import { readMembershipJson } from '../membership.ts'
import { readFolderChain, readNodeFile, writeFolderChain } from '../node-files.ts'
import { examples } from '../command-kit.ts'
import { CliError, EXIT, output } from '../output.ts'
import { table } from '../table.ts'

const now = () => new Date().toISOString()

const readChainFiles = (paths: readonly string[]): Promise<unknown[]> => Promise.all(paths.map(readMembershipJson))

/** The signed versions, each parsed, deduplicated by version (the data folder and a file may both hold one). */
function parseChain(inputs: readonly unknown[], origin: (i: number) => string): SignedMembership[] {
  const byVersion = new Map<number, SignedMembership>()
  inputs.forEach((input, i) => {
    const parsed = parseSignedMembership(input)
    if (typeof parsed === 'string')
      throw new CliError(
        `${origin(i)} is not a signed membership: ${parsed}`,
        EXIT.INVALID,
        'sis federation create/propose write them',
      )
    const held = byVersion.get(parsed.document.version)
    if (held !== undefined && JSON.stringify(held.document) !== JSON.stringify(parsed.document))
      throw new CliError(
        `two different documents claim version ${parsed.document.version}`,
        EXIT.INVALID,
        `check ${origin(i)}`,
      )
    // Of two copies of one version, keep the one with more signatures (a proposal being signed).
    if (held === undefined || parsed.signatures.length > held.signatures.length)
      byVersion.set(parsed.document.version, parsed)
  })
  return [...byVersion.values()].sort((a, b) => a.document.version - b.document.version)
}

function versionLine(v: VersionVerdict): string {
  const who = v.signedBy.length === 0 ? 'none' : v.signedBy.join(', ')
  const need = v.version === 1 ? `every founder (${v.needed})` : `the quorum of v${v.version - 1} (${v.needed})`
  const missing = v.notSigned.length === 0 ? '' : `; not signed: ${v.notSigned.join(', ')}`
  return `v${v.version}  ${v.hash.slice(0, 16)}  ${v.valid ? 'valid' : 'NOT valid'}: signed by ${who}, needs ${need}${missing}${v.problem === undefined ? '' : `\n     ${v.problem}`}`
}

function summary(chain: readonly SignedMembership[], verdict: ChainVerdict): { text: string; inForce: boolean } {
  const last = chain.at(-1)!
  const judged = verdict.versions.at(-1)!
  const allValid = verdict.versions.length === chain.length && judged.valid
  const inForce = allValid && verdict.newest?.inForce === true
  const doc = last.document
  const state = inForce
    ? 'in force'
    : !allValid
      ? `NOT in force: ${judged.problem ?? `version ${judged.version} is not valid`}`
      : `NOT in force: version ${doc.version} is valid from ${doc.validFrom} to ${doc.validUntil}, not now`
  const signedBy = new Set(last.signatures.map((s) => s.country))
  const members = table(
    ['country', 'peer id', 'key', 'signed'],
    doc.members.map((m) => [
      m.country,
      m.peerId ?? '',
      m.keys.map((k) => k.keyId).join(','),
      signedBy.has(m.country) ? 'yes' : 'no',
    ]),
  )
  return {
    text: `${doc.federation} v${doc.version}, quorum ${doc.quorum}, valid ${doc.validFrom} to ${doc.validUntil}\n${state}\n\n${verdict.versions.map(versionLine).join('\n')}\n\n${members}`,
    inForce,
  }
}

export function registerFederationChainCommands(fed: Command): void {
  fed
    .command('show')
    .description(
      'judge a membership version against its predecessors (offline): who signed, the quorum, in force or not',
    )
    .argument('[file...]', 'membership files: the version to judge and the versions before it, in any order')
    .option('--data <dir>', "a stopped node's data folder: its versions come first")
    .option('--json', 'as JSON')
    .addHelpText(
      'after',
      examples(
        'sis federation show membership.json                       # the founding version',
        'sis federation show --data /var/lib/sis/kz next.json      # a proposal against the chain the node holds',
        'sis federation show v1.json v2.json v3.json               # a whole chain',
      ),
    )
    .action(async (files: string[], opts: { data?: string; json?: boolean }) => {
      const held = opts.data === undefined ? [] : await readFolderChain(opts.data)
      if (held.length + files.length === 0)
        throw new CliError('nothing to judge: give membership files or --data', EXIT.USAGE)
      const inputs = [...held, ...(await readChainFiles(files))]
      const chain = parseChain(inputs, (i) =>
        i < held.length ? `version ${i + 1} of ${opts.data}` : files[i - held.length]!,
      )
      const verdict = judgeChain(chain, now())
      const { text, inForce } = summary(chain, verdict)
      output(opts.json === true).result(text, {
        document: chain.at(-1)!.document,
        signatures: chain.at(-1)!.signatures.map((s) => s.country),
        versions: verdict.versions,
        verdict: inForce ? 'in force' : 'not in force',
        inForce,
      })
      process.exitCode = inForce ? EXIT.OK : EXIT.INVALID
    })

  fed
    .command('join')
    .description(
      'start a node admitted by a later membership version: verify the chain from the founding version to the one in force and write it into the data folder',
    )
    .requiredOption('--data <dir>', "this node's data folder (sis init), with the node stopped")
    .option('--membership <file...>', 'the chain: every version from the founding membership.json to the one in force')
    .option('--from <multiaddr>', "fetch the chain from a member's node: its p2p address ending in /p2p/<PeerId>")
    .option('--json', 'as JSON')
    .addHelpText(
      'after',
      examples(
        'sis federation join --data /var/lib/sis/tj --membership membership.json v2.json',
        'sis federation join --data /var/lib/sis/tj --from /ip4/10.0.0.11/tcp/4001/p2p/12D3KooW...',
      ),
    )
    .action(async (opts: { data: string; membership?: string[]; from?: string; json?: boolean }) => {
      if ((opts.membership === undefined) === (opts.from === undefined))
        throw new CliError('give the chain either as --membership files or --from a member', EXIT.USAGE)
      // membership.json is what join writes: read node.json alone.
      const file = readNodeFile(opts.data)
      const p2pKey = readPeerKeyFile(join(opts.data, DATA_FILES.p2pKey))
      const inputs =
        opts.membership !== undefined
          ? await readChainFiles(opts.membership)
          : (await fetchFrom(p2pKey, opts.from!)).map((b) => JSON.parse(new TextDecoder().decode(b)) as unknown)
      const chain = parseChain(inputs, (i) => opts.membership?.[i] ?? `version ${i + 1} from ${opts.from}`)
      const verdict = judgeChain(chain, now())
      const bad = verdict.versions.find((v) => !v.valid)
      if (chain[0]?.document.version !== 1 || chain.some((m, i) => m.document.version !== i + 1))
        throw new CliError(
          `the chain must hold every version from 1 to the one in force; got ${chain.map((m) => m.document.version).join(', ')}`,
          EXIT.INVALID,
          'give membership.json and each later version',
        )
      if (bad !== undefined)
        throw new CliError(
          `version ${bad.version} is not valid: ${bad.problem}`,
          EXIT.INVALID,
          'ask the members for the signed versions',
        )
      const last = chain.at(-1)!.document
      if (verdict.newest?.inForce !== true)
        throw new CliError(
          `version ${last.version} is not in force now (valid ${last.validFrom} to ${last.validUntil})`,
          EXIT.INVALID,
        )
      const country = file.country
      const me = last.members.find((m) => m.country === country)
      const publicKey = publicKeyToBase64(readSigningKey(join(opts.data, DATA_FILES.signingKey)).publicKey)
      const problems = [
        me === undefined ? `${country} is not a member of version ${last.version}` : undefined,
        me !== undefined && me.peerId !== peerIdOfKey(p2pKey)
          ? `version ${last.version} lists ${country} with PeerId ${me.peerId}, this node is ${peerIdOfKey(p2pKey)}`
          : undefined,
        me !== undefined && !me.keys.some((k) => k.keyId === file.keyId && k.publicKey === publicKey)
          ? `version ${last.version} does not pin this node's signing key ${file.keyId}`
          : undefined,
      ].filter((p) => p !== undefined)
      if (problems.length > 0)
        throw new CliError(
          problems.join('; '),
          EXIT.INVALID,
          "the proposal that admits you must carry this node's member card (sis init --card)",
        )
      await writeFolderChain(opts.data, chain)
      const founding = verdict.versions[0]!.hash
      output(opts.json === true).result(
        `${country} joins ${last.federation} at version ${last.version} (${last.members.length} members, valid until ${last.validUntil})\n${verdict.versions.map(versionLine).join('\n')}\nfounding hash ${founding}: confirm it with a member by a second channel\nnext: sis start --data ${opts.data}`,
        { country, version: last.version, foundingHash: founding, versions: verdict.versions },
      )
    })
}

async function fetchFrom(key: ReturnType<typeof readPeerKeyFile>, address: string): Promise<Uint8Array[]> {
  try {
    splitMemberAddress(address)
  } catch (e) {
    throw new CliError(
      `--from ${e instanceof Error ? e.message : String(e)}`,
      EXIT.USAGE,
      "give the member's p2p address with its PeerId: /ip4/HOST/tcp/PORT/p2p/12D3KooW...",
    )
  }
  try {
    return await fetchMembershipChain(key, address)
  } catch (e) {
    throw new CliError(
      `cannot fetch the membership from ${address}: ${e instanceof Error ? e.message : String(e)}`,
      EXIT.UNAVAILABLE,
      "the member refuses nodes its membership in force does not list: check that it adopted the version that admits this node's PeerId (its log says `p2p: refused a non-member` otherwise), and the address",
    )
  }
}
