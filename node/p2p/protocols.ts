/**
 * Every protocol id the federation's libp2p overlay speaks, declared once. All of them live under
 * a private prefix so a CAREC node never answers (or is mistaken for) a public IPFS peer, and each
 * carries its version: a change of wire format is a new id, negotiated by multistream-select, so
 * nodes of two releases can run side by side during an upgrade.
 */

/** The overlay's namespace. Tests may pass another prefix to keep parallel federations apart. */
export const DEFAULT_PROTOCOL_PREFIX = '/carec-sis'

/** Version of the request/response framing (framing.ts); every request protocol shares it. */
export const REQUEST_PROTOCOL_VERSION = '1.0.0'

/** Kademlia among members only (peer routing); the public DHT is '/ipfs/kad/1.0.0'. */
export const KAD_PROTOCOL_NAME = 'kad'
export const KAD_PROTOCOL_VERSION = '1.0.0'

/** identify and ping put their own name and version after the prefix: '/carec-sis/id/1.0.0', '/carec-sis/ping/1.0.0'. */
export const IDENTIFY_PROTOCOL_NAME = 'id'
export const PING_PROTOCOL_NAME = 'ping'

/**
 * Names of the request protocols the node serves, each becoming `${prefix}/${name}/1.0.0`.
 * 'echo' answers with the request as received: a liveness and framing check between members.
 */
export const REQUEST_NAMES = {
  echo: 'echo',
} as const

/** A request name is one path segment: lowercase, so two spellings never mean two protocols. */
export const REQUEST_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/

/** A prefix is one or more '/segment's, without a trailing slash. */
export const PROTOCOL_PREFIX_PATTERN = /^(\/[a-z0-9][a-z0-9._-]*)+$/

export const DEFAULT_PROTOCOL_IDS = {
  kad: `${DEFAULT_PROTOCOL_PREFIX}/${KAD_PROTOCOL_NAME}/${KAD_PROTOCOL_VERSION}`,
  identify: `${DEFAULT_PROTOCOL_PREFIX}/${IDENTIFY_PROTOCOL_NAME}/1.0.0`,
  ping: `${DEFAULT_PROTOCOL_PREFIX}/${PING_PROTOCOL_NAME}/1.0.0`,
  echo: `${DEFAULT_PROTOCOL_PREFIX}/${REQUEST_NAMES.echo}/${REQUEST_PROTOCOL_VERSION}`,
} as const

export function checkProtocolPrefix(prefix: string): string {
  if (!PROTOCOL_PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(
      `invalid protocol prefix ${JSON.stringify(prefix)}: expected '/name' segments, e.g. '/carec-sis'`,
    )
  }
  return prefix
}

/** The protocol id of a request/response protocol: `${prefix}/${name}/1.0.0`. */
export function requestProtocolId(prefix: string, name: string): string {
  if (!REQUEST_NAME_PATTERN.test(name)) {
    throw new TypeError(`invalid request name ${JSON.stringify(name)}: expected ${String(REQUEST_NAME_PATTERN)}`)
  }
  return `${checkProtocolPrefix(prefix)}/${name}/${REQUEST_PROTOCOL_VERSION}`
}

export function kadProtocolId(prefix: string): string {
  return `${checkProtocolPrefix(prefix)}/${KAD_PROTOCOL_NAME}/${KAD_PROTOCOL_VERSION}`
}

/**
 * identify and ping build their id as `/${protocolPrefix}/name/version` themselves, so they take
 * the prefix without its leading slash ('carec-sis').
 */
export function serviceProtocolPrefix(prefix: string): string {
  return checkProtocolPrefix(prefix).slice(1)
}
