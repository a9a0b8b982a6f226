/** `sis message ...`: validate a message file, write one example of every message type. */
import type { Command } from 'commander'
import { join } from 'node:path'
import {
  validateMessage,
  encodeMessage,
  exampleBody,
  exampleMessage,
  EXAMPLE_COUNTRIES,
  MESSAGE_TYPE_NAMES,
} from '../../protocol/messages/index.ts'
import { DEFAULT_XML_LIMITS } from '../../protocol/xml/index.ts'
import { context, withCommon } from '../command-kit.ts'
import type { CommonOpts } from '../command-kit.ts'
import { readBounded, writeAll } from '../files.ts'
import { describeError } from '../i18n.ts'
import { CliError, EXIT, output } from '../output.ts'
import { registerSigningCommands } from './signing.ts'

export function registerMessageCommands(program: Command): void {
  const message = program.command('message').description('work with SIS XML messages')

  withCommon(
    message
      .command('validate')
      .description('check that FILE is a valid SIS message: safe XML, schema, code lists and rules')
      .argument('<file>', 'the XML message'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  sis message validate DeclarationLodged.xml\n  sis message validate --json incoming.xml | jq .errors[0].code\n  sis message validate --lang ru incoming.xml\n\nExit status: 0 valid, 1 invalid (the error codes are printed, each with what it means in the language of --lang), 3 the file cannot be read.',
    )
    .action(async (file: string, opts: CommonOpts) => {
      const { out, t, lang } = context(opts)
      const bytes = await readBounded(file, DEFAULT_XML_LIMITS.maxBytes)
      const result = validateMessage(bytes)
      if (result.ok) {
        out.result(t('validate.ok', { type: result.message.type }), {
          ok: true,
          type: result.message.type,
          documentId: result.message.message.Header.documentId,
        })
        process.exitCode = EXIT.OK
        return
      }
      const errors = result.errors.map((e) => e.toJSON())
      out.result(errors.map((e) => t('validate.invalid', { error: describeError(lang, e) })).join('\n'), {
        ok: false,
        errors,
      })
      process.exitCode = EXIT.INVALID
    })

  registerSigningCommands(program, message)

  message
    .command('examples')
    .description('write one valid example message per message type, named after the type')
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--country <code>', "tell the examples' transit in this CAREC country: its offices, MRN and GRN")
    .option(
      '--json',
      'also write each body as JSON (TYPE.json, without Header: what the API takes), and print the list of files as JSON',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  sis message examples --out /tmp/examples && sis message validate /tmp/examples/DeclarationLodged.xml\n  sis message examples --country KZ --json --out ex   # ex/DeclarationLodged.json: lodge it without Header and MRN',
    )
    .action(async (opts: { out: string; country?: string; json?: boolean }) => {
      const country = opts.country?.toUpperCase()
      if (country !== undefined && !EXAMPLE_COUNTRIES.includes(country))
        throw new CliError(
          `--country ${opts.country}: not a CAREC country`,
          EXIT.USAGE,
          `one of ${EXAMPLE_COUNTRIES.join(', ')}`,
        )
      const files = new Map<string, string>()
      for (const type of MESSAGE_TYPE_NAMES) {
        const example = exampleMessage(type, country === undefined ? {} : { country })
        files.set(`${type}.xml`, encodeMessage(type, example))
        if (opts.json === true) files.set(`${type}.json`, `${JSON.stringify(exampleBody(type, example), null, 2)}\n`)
      }
      const written = await writeAll(opts.out, files)
      output(opts.json === true).result(written.map((f) => join(opts.out, f)).join('\n'), { ok: true, files: written })
    })
}
