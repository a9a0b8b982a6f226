/**
 * `sis message sign|verify|canonicalize` and `sis key generate`: what an adapter author needs to
 * produce and debug signed messages by hand.
 */
import type { Command } from 'commander'
import { writeFileSync } from 'node:fs'
import { isSisError } from '../../protocol/errors.ts'
import { validateMessage } from '../../protocol/messages/index.ts'
import { signXml, signatureParts } from '../../protocol/dsig/index.ts'
import { canonicalize, parseXml, DEFAULT_XML_LIMITS } from '../../protocol/xml/index.ts'
import { readSignedMessage } from '../../protocol/log/index.ts'
import { publicKeyToBase64, publicKeyToPem } from '../../protocol/crypto/index.ts'
import { generateSigningKey, readSigningKey, writeSigningKey } from '../../node/keys.ts'
import { readBounded } from '../files.ts'
import { readMembershipFiles, withMembership } from '../membership.ts'
import { CliError, EXIT, output } from '../output.ts'

async function readText(file: string): Promise<{ bytes: Uint8Array; text: string }> {
  const bytes = await readBounded(file, DEFAULT_XML_LIMITS.maxBytes)
  return { bytes, text: new TextDecoder().decode(bytes) }
}

function keyError(e: unknown, path: string): never {
  if (isSisError(e) || e instanceof Error)
    throw new CliError(`${path}: ${e.message}`, EXIT.INVALID, 'generate one with: sis key generate --out KEYFILE')
  throw e
}

export function registerSigningCommands(program: Command, message: Command): void {
  message
    .command('sign')
    .description(
      'sign a valid message with an Ed25519 key (enveloped XMLDSig, Exclusive C14N, SHA-256) and print the signed bytes',
    )
    .argument('<file>', 'the unsigned message')
    .requiredOption('--key <keyfile>', 'the private key (PEM PKCS#8, mode 0600)')
    .option('--out <file>', 'write the signed message here instead of standard output')
    .addHelpText('after', '\nExample:\n  sis message sign --key kz-signing.pem DeclarationLodged.xml > signed.xml')
    .action(async (file: string, opts: { key: string; out?: string }) => {
      const { text } = await readText(file)
      const checked = validateMessage(text)
      if (!checked.ok) throw checked.errors[0]
      let key
      try {
        key = readSigningKey(opts.key)
      } catch (e) {
        keyError(e, opts.key)
      }
      const signed = signXml(text, key)
      if (opts.out === undefined) process.stdout.write(signed)
      else writeFileSync(opts.out, signed)
    })

  withMembership(
    message
      .command('verify')
      .description('verify a signed message against the keys pinned in the membership, and validate it')
      .argument('<signed>', 'the signed message'),
  )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sis message verify --membership membership.json signed.xml\n  sis message verify --membership membership.json --membership v2.json signed.xml\n\nExit status: 0 valid and signed by a pinned key; 1 refused, the message or a membership file (the typed code is printed).',
    )
    .action(async (file: string, opts: { membership: string[]; json?: boolean }) => {
      const { membership, versions } = await readMembershipFiles(opts.membership)
      const { bytes } = await readText(file)
      const out = output(opts.json === true)
      try {
        const m = readSignedMessage(bytes, membership)
        const h = m.message.Header
        out.result(`OK ${m.type} signed by ${h.authorCountry} key ${h.authorKeyId}`, {
          ok: true,
          type: m.type,
          author: h.authorCountry,
          keyId: h.authorKeyId,
          documentId: h.documentId,
          membershipVersions: versions,
        })
      } catch (e) {
        if (!isSisError(e)) throw e
        out.result(`INVALID ${e.code}: ${e.message}`, { ok: false, errors: [e.toJSON()] })
        process.exitCode = EXIT.INVALID
      }
    })

  message
    .command('canonicalize')
    .description('print the exact canonical bytes (Exclusive C14N) a signature covers, to debug signatures')
    .argument('<file>', 'an XML message, signed or not')
    .option(
      '--signed-info',
      'print the canonical ds:SignedInfo (what the Ed25519 signature signs) instead of the document',
    )
    .option('--with-comments', 'keep comments (Exclusive C14N with comments, as xmllint --exc-c14n)')
    .addHelpText(
      'after',
      '\nBy default prints the document without its ds:Signature: the input of the SHA-256 digest.\nExample:\n  sis message canonicalize signed.xml | sha256sum',
    )
    .action(async (file: string, opts: { signedInfo?: boolean; withComments?: boolean }) => {
      const { bytes } = await readText(file)
      const root = parseXml(bytes)
      const signature = root.children.find(
        (c) => c.kind === 'element' && c.local === 'Signature' && c.ns === 'http://www.w3.org/2000/09/xmldsig#',
      )
      if (opts.signedInfo === true) {
        const parts = signatureParts(root)
        process.stdout.write(
          canonicalize(parts.signedInfo, { inScope: new Map([...root.namespaces, ...parts.signature.namespaces]) }),
        )
        return
      }
      process.stdout.write(
        canonicalize(root, { withComments: opts.withComments === true, exclude: (e) => e === signature }),
      )
    })

  program
    .command('key')
    .description('signing keys')
    .command('generate')
    .description('generate an Ed25519 signing key (PEM PKCS#8, mode 0600) and print its public key')
    .requiredOption('--out <keyfile>', 'where to write the private key (refuses to overwrite)')
    .option('--json', 'print the public key as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sis key generate --out kz-signing.pem\n  openssl pkey -in kz-signing.pem -noout -text',
    )
    .action((opts: { out: string; json?: boolean }) => {
      const key = generateSigningKey()
      try {
        writeSigningKey(opts.out, key)
      } catch (e) {
        throw new CliError(
          `cannot write ${opts.out}: ${e instanceof Error ? e.message : String(e)}`,
          EXIT.IO,
          'choose a new file name; existing keys are never overwritten',
        )
      }
      const pub = key.publicKey
      output(opts.json === true).result(
        `wrote ${opts.out} (mode 0600)\npublic key (base64): ${publicKeyToBase64(pub)}\nkey id: ${key.kid}\n${publicKeyToPem(pub).trimEnd()}`,
        { ok: true, file: opts.out, publicKey: publicKeyToBase64(pub), kid: key.kid },
      )
    })
}
