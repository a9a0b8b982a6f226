/**
 * The OpenAPI 3.1 document, generated from the route table that server.ts registers: paths,
 * roles, parameters, bodies, responses and errors all come from the same RouteSpec objects, and
 * schemas come from the zod schemas that validate requests. Named schemas (zod `.meta({ id })`,
 * including the message layer's field types) become components.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX } from '../../shared/problem.ts'
import { API_ERROR_CODES } from './errors.ts'
import type { Route } from './table.ts'

type Json = Record<string, unknown>

export const ERROR_STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Invalid request: API_BAD_REQUEST, or a message-layer code (MSG_*, XML_*, CODE_*, MRN_INVALID, ...)',
  401: 'API_UNAUTHENTICATED: no bearer token, or an unknown one',
  403: "API_FORBIDDEN: the caller's role may not use this route",
  404: "API_NOT_FOUND: unknown document, or one outside the caller's scope",
  409: "LOG_*: the entry conflicts with the document's log",
  413: 'XML_TOO_LARGE (XML body) or API_BODY_TOO_LARGE: the body is over the limit',
  415: 'API_UNSUPPORTED_MEDIA_TYPE: a body that is not JSON or XML, or not what the route takes',
  500: 'API_INTERNAL: a bug; the body carries no details',
  503: 'The node is not ready (API_UNAVAILABLE, MEMBERSHIP_INVALID)',
}

/** The schema keywords that take a scalar value; any other scalar is an annotation of ours. */
const SCALAR_KEYWORDS = new Set([
  ...['$ref', '$comment', 'type', 'format', 'pattern', 'title', 'description', 'default', 'const'],
  ...['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  ...['minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'additionalProperties'],
  ...['readOnly', 'writeOnly', 'deprecated', 'contentEncoding', 'contentMediaType'],
])

/**
 * Converts a zod schema, moving its named sub-schemas into the shared components. Annotations
 * that zod copies from `.meta()` for the message layer's XSDs (xsdBase, xml) are not OpenAPI
 * keywords (`xml` even is one, of another type): they become `x-` extensions.
 */
function converter(components: Json): (schema: z.ZodType, io: 'input' | 'output') => Json {
  const relink = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(relink)
    if (value === null || typeof value !== 'object') return value
    const out: Json = {}
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/$defs/', '#/components/schemas/')
      else if (typeof v !== 'object' && !SCALAR_KEYWORDS.has(k) && !k.startsWith('x-')) out[`x-${k}`] = v
      else out[k] = relink(v)
    }
    return out
  }
  return (schema, io) => {
    const { $schema: _drop, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json
    for (const [id, def] of Object.entries(($defs ?? {}) as Json)) {
      if (!(id in components)) components[id] = relink(def)
    }
    return relink(rest) as Json
  }
}

/** `/v1/transits/:documentId` → `/v1/transits/{documentId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

function parameters(schema: Json, where: 'path' | 'query'): Json[] {
  const props = (schema.properties ?? {}) as Record<string, Json>
  const required = new Set((schema.required ?? []) as string[])
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    schema: s,
  }))
}

/** Error statuses a route can answer, implied by its declaration plus the ones it lists. */
export function errorStatuses(route: Route): number[] {
  const out = new Set<number>(route.errors ?? [])
  if (route.access !== 'public') [401, 403].forEach((s) => out.add(s))
  if (route.params !== undefined || route.query !== undefined || route.body !== undefined) out.add(400)
  if (route.body !== undefined) [413, 415].forEach((s) => out.add(s))
  if (route.access !== 'public') out.add(500)
  return [...out].sort((a, b) => a - b)
}

/**
 * The JSON request body: the route's schema, or, for a body that depends on a path parameter,
 * one named schema per value (anyOf, with a map from value to schema in x-body-by-param).
 */
function jsonBody(route: Route, convert: ReturnType<typeof converter>): Json {
  const byParam = route.body?.jsonByParam
  if (byParam === undefined) return convert(route.body?.json as z.ZodType, 'input')
  const schemas = Object.entries(byParam.schemas).map(([value, schema]) => [value, convert(schema, 'input')] as const)
  const names = schemas.map(([value, s]) => `${value}: ${String(s.$ref ?? '').replace('#/components/schemas/', '')}`)
  return {
    description: `The body depends on {${byParam.param}}: ${names.join('; ')}`,
    anyOf: schemas.map(([, s]) => s),
    'x-body-by-param': { param: byParam.param, schemas: Object.fromEntries(schemas) },
  }
}

function operation(route: Route, convert: ReturnType<typeof converter>): Json {
  const roles = route.access === 'public' ? 'none (public)' : route.access.join(', ')
  const params = [
    ...(route.params === undefined ? [] : parameters(convert(route.params, 'input'), 'path')),
    ...(route.query === undefined ? [] : parameters(convert(route.query, 'input'), 'query')),
  ]
  const content: Json = {}
  if (route.body?.json !== undefined) content['application/json'] = { schema: jsonBody(route, convert) }
  if (route.body?.xml !== undefined)
    content['application/xml'] = { schema: { type: 'string', description: route.body.xml } }
  const { status, description, contentType, schema } = route.response
  const responses: Json = {
    [String(status)]: {
      description,
      content: { [contentType]: schema === undefined ? {} : { schema: convert(schema, 'output') } },
    },
  }
  for (const s of errorStatuses(route)) {
    responses[String(s)] = {
      description: ERROR_STATUS_TEXT[s] ?? 'error',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    }
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: `Roles: ${roles}.`,
    'x-roles': route.access === 'public' ? [] : route.access,
    security: route.access === 'public' ? [] : [{ bearerAuth: [] }],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(Object.keys(content).length > 0 ? { requestBody: { required: true, content } } : {}),
    responses,
  }
}

/** The project's licence (package.json), an SPDX identifier. */
export const PROJECT_LICENSE = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { license: string }
).license

export function buildOpenApi(
  routes: readonly Route[],
  info: { title: string; version: string; errorSchema: z.ZodType },
): Json {
  const components: Json = {}
  const convert = converter(components)
  const paths: Record<string, Json> = {}
  for (const route of routes) {
    const path = openApiPath(route.path)
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, convert) }
  }
  // Named Problem (meta id) lands in components through the conversion.
  convert(info.errorSchema, 'output')
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description: [
        `Errors are RFC 9457 problems (${PROBLEM_CONTENT_TYPE}) whose type is ${PROBLEM_TYPE_PREFIX}<CODE> and whose code member is the stable code.`,
        `Codes of the API layer: ${Object.keys(API_ERROR_CODES).join(', ')}; other codes are the node's SisError and NodeError codes.`,
      ].join(' '),
      license: { name: PROJECT_LICENSE, identifier: PROJECT_LICENSE },
    },
    // Relative: the document is served by the node it describes, at whatever address it listens.
    servers: [{ url: '/', description: 'This node (the address the document was fetched from)' }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token issued by the node operator' },
      },
    },
  }
}
