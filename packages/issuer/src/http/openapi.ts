import { ERROR_CODES } from '@agentid/core'
import type { RouteDoc } from './routes.js'
import { errorResponse } from './schemas.js'

/** The OpenAPI path of a route: `/agents/:did` → `/agents/{did}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, '{$1}')
}

function parameters(route: RouteDoc): unknown[] {
  const out: unknown[] = []
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    const properties = (schema?.properties ?? {}) as Record<string, unknown>
    const required = (schema?.required ?? []) as string[]
    for (const [name, s] of Object.entries(properties)) out.push({ name, in: where, required: where === 'path' || required.includes(name), schema: s })
  }
  return out
}

/**
 * The OpenAPI 3.1 document of the service, built from the same route table that registers the
 * routes. `x-agentid-access` says who may call each operation.
 */
export function openApiDocument(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = openApiPath(route.url)
    const responses: Record<string, unknown> = {}
    for (const status of route.success) {
      responses[String(status)] = { description: status === 202 ? 'accepted: waiting for approvals' : 'success', content: { [route.produces ?? 'application/json']: { schema: {} } } }
    }
    responses['4XX'] = { description: 'refused: see error.code', content: { 'application/json': { schema: errorResponse } } }
    responses['5XX'] = { description: 'storage failed; nothing was changed', content: { 'application/json': { schema: errorResponse } } }
    ;(paths[path] ??= {})[route.method.toLowerCase()] = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/.-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`,
      summary: route.summary,
      tags: [route.tag],
      // `{}`: no credentials at all, for a loopback client where the service allows it.
      security: route.access === 'public' ? [] : [{ bearer: [] }, { consoleSession: [] }, ...(route.access !== 'any' && route.access.includes('agent') ? [{ agentPresentation: [] }] : []), ...(route.loopbackWithoutToken ? [{}] : [])],
      'x-agentid-access': route.access,
      parameters: parameters(route),
      ...(route.body ? { requestBody: { required: false, content: { [route.consumes ?? 'application/json']: { schema: route.body } } } } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'agentid issuer',
      version,
      description: 'Enrols agents by did:key, issues entitlement credentials (VC-JWT, EdDSA) and governs them. Errors are {"error":{"code","message"}}; codes and their statuses: '
        + Object.entries(ERROR_CODES).map(([code, { status }]) => `${code} ${status}`).join(', '),
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a principal token (aid_...), stored by the issuer only as a hash' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'agentid_console', description: 'the web console\'s session (POST /console/session); a state change with it also needs X-CSRF-Token (docs/console.md)' },
        agentPresentation: { type: 'http', scheme: 'VP', description: "an agent's VP-JWT addressed to the issuer DID over a challenge from GET /challenge, holding a live credential of this issuer" },
      },
    },
    paths,
  }
}
