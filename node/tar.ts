/** A minimal ustar writer for log bundles (read back by cli/bundle.ts and by `tar`). */
const encoder = new TextEncoder()

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0'
}

export function writeTar(files: readonly { name: string; bytes: Uint8Array; mtime?: number }[]): Uint8Array {
  const blocks: Uint8Array[] = []
  for (const f of files) {
    if (encoder.encode(f.name).length > 99) throw new Error(`tar name too long: ${f.name}`)
    const header = new Uint8Array(512)
    header.set(encoder.encode(f.name), 0)
    header.set(encoder.encode(octal(0o644, 8)), 100)
    header.set(encoder.encode(octal(0, 8)), 108)
    header.set(encoder.encode(octal(0, 8)), 116)
    header.set(encoder.encode(octal(f.bytes.length, 12)), 124)
    header.set(encoder.encode(octal(f.mtime ?? 0, 12)), 136)
    header.set(encoder.encode('        '), 148)
    header[156] = 0x30
    header.set(encoder.encode('ustar\0' + '00'), 257)
    let sum = 0
    for (const b of header) sum += b
    header.set(encoder.encode(octal(sum, 7) + ' '), 148)
    blocks.push(header, f.bytes, new Uint8Array((512 - (f.bytes.length % 512)) % 512))
  }
  blocks.push(new Uint8Array(1024))
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0))
  let at = 0
  for (const b of blocks) {
    out.set(b, at)
    at += b.length
  }
  return out
}
