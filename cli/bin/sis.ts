#!/usr/bin/env node
// The `sis` command. Runs on the Node pinned in package.json (node_modules/.bin/node), which
// strips TypeScript types natively: no build step.
import { main } from '../main.ts'

process.exitCode = await main(process.argv)
