/**
 * This checkout's version (package.json), read once: GET /v1/status reports it and the metrics
 * carry it in sis_build_info. "unknown" when package.json cannot be read.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const SOFTWARE_VERSION: string = (() => {
  try {
    return (
      (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version?: string })
        .version ?? 'unknown'
    )
  } catch {
    return 'unknown'
  }
})()
