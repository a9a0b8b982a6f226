/**
 * The receiving end of the replication ceiling (replication.ts streamCeiling), as its own
 * process: a bare libp2p node (TCP, Noise, yamux) that reads a u32 frame count and then that
 * many length-prefixed frames from each stream, and answers one byte. Prints
 * {"address": MULTIADDR} when listening; stops when its standard input closes.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'
import { SINK_PROTOCOL } from './replication.ts'

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
})
await node.handle(SINK_PROTOCOL, async (stream) => {
  const lp = lpStream(stream, { maxDataLength: 16 * 1024 * 1024 })
  const header = (await lp.read()).subarray()
  const count = new DataView(header.buffer, header.byteOffset, 4).getUint32(0)
  for (let i = 0; i < count; i++) await lp.read()
  await lp.write(Uint8Array.of(1))
  await stream.close()
})
process.stdout.write(JSON.stringify({ address: node.getMultiaddrs()[0]?.toString() }) + '\n')
process.stdin.resume()
process.stdin.on('end', () => {
  void Promise.resolve(node.stop()).then(() => process.exit(0))
})
