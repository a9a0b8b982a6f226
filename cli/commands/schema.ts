/** `sis schema export`: every XSD (common.xsd, xml.xsd and one per message type). */
import type { Command } from 'commander'
import { join } from 'node:path'
import { allXsdFiles } from '../../protocol/messages/index.ts'
import { writeAll } from '../files.ts'
import { output } from '../output.ts'

export function registerSchemaCommands(program: Command): void {
  const schema = program.command('schema').description('the XML schemas of the SIS messages')
  schema
    .command('export')
    .description('write every XSD into a folder, ready for xmllint --schema')
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .option('--json', 'print the list of files as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sis schema export --out xsd && xmllint --noout --schema xsd/DeclarationLodged.xsd DeclarationLodged.xml',
    )
    .action(async (opts: { out: string; json?: boolean }) => {
      const written = await writeAll(opts.out, allXsdFiles())
      output(opts.json === true).result(written.map((f) => join(opts.out, f)).join('\n'), { ok: true, files: written })
    })
}
