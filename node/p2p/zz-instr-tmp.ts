import { createHook } from 'node:async_hooks'
const stacks = new WeakMap<object, string>()
createHook({ init(_id, type, _trigger, resource) { if (type === 'PROMISE') stacks.set(resource, new Error().stack ?? '') } }).enable()
process.on('unhandledRejection', (r, p) => {
  console.log('UNHANDLED', (r as Error)?.name, '\n', (stacks.get(p) ?? 'no stack').split('\n').filter((l) => !l.includes('async_hooks') && !l.includes('zz-instr')).slice(0, 14).join('\n'))
})
