/** The generated files by path from the project root (pure: the caller writes them). */
import { allXsdFiles, MESSAGE_TYPE_NAMES } from '../messages/index.ts'
import { catalogueIndexDoc, messageDoc } from '../messages/docs.ts'

export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>()
  for (const [name, content] of allXsdFiles()) files.set(`protocol/xsd/${name}`, content)
  files.set('docs/protocol/messages/README.md', catalogueIndexDoc())
  for (const type of MESSAGE_TYPE_NAMES) files.set(`docs/protocol/messages/${type}.md`, messageDoc(type))
  return files
}
