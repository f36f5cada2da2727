import { agentIdError, parseDidKey, parseDuration, type AgentKind } from '@agentid/core'
import type { Issuer } from '../issuer.js'
import { MAX_GRANT_TTL } from '../issuer.js'
import { hasRole, type Principal } from '../governance/principal.js'
import {
  agentView,
  alertView,
  auditView,
  campaignView,
  credentialView,
  delegationView,
  policyView,
  principalView,
  requestView,
  retirementView,
  reviewItemView,
  roleView,
  webhookView,
} from '../views.js'
import * as schema from './schemas.js'
import { createCredentialOffer, OFFER_TTL_MAX } from '../oid4vci/offers.js'
import { ALERT_ORDERS, type AlertOrder } from '../store/issuer-store.js'

/**
 * Who may call a route: `public` (no token), `any` (any authenticated principal), or a list of
 * roles; `approver` stands for every approver role of the policy in force.
 */
export type Access = 'public' | 'any' | readonly string[]

/** What a handler gets. */
export interface RouteContext {
  readonly issuer: Issuer
  /** Present on every route but the public ones. */
  readonly principal: Principal
  readonly params: Record<string, string>
  readonly query: Record<string, string | undefined>
  readonly body: Record<string, unknown> | undefined
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/** What a handler answers: a status (default 200) and a JSON body (or text, with a content type). */
export interface RouteResult {
  readonly status?: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
  /** Sent as text with this content type instead of JSON. */
  readonly contentType?: string
  /** Takes over the raw response instead (a stream); `status`, `body` and headers are ignored. */
  readonly stream?: (response: import('node:http').ServerResponse) => Promise<void>
}

/** One route of the API: what serves it and what documents it (OpenAPI is built from these). */
export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Fastify syntax: `/agents/:did`. */
  readonly url: string
  readonly summary: string
  readonly tag: string
  readonly access: Access
  readonly params?: Record<string, unknown>
  readonly query?: Record<string, unknown>
  readonly body?: Record<string, unknown>
  /** Statuses this route answers with on success, for the document. */
  readonly success: readonly number[]
  /** Content type of a success answer (default application/json). */
  readonly produces?: string
  /** Largest body this route takes, when not the service's default. */
  readonly bodyLimit?: number
  /** Media type of the request body, when not application/json (the OAuth routes take forms). */
  readonly consumes?: string
  /** A client on a loopback address may call it without a token (when the service allows it: `/metrics`). */
  readonly loopbackWithoutToken?: boolean
  readonly handler: (ctx: RouteContext) => Promise<RouteResult>
}

/** What the OpenAPI document says of a route: all of it but its handler. */
export type RouteDoc = Omit<Route, 'handler'>

export const APPROVER = 'approver'
// Everyone who governs reads the inventory; a reporter only reports (POST /events) and sees itself.
const READERS: Access = ['admin', 'auditor', 'reviewer', 'security', 'agent-owner', APPROVER]

const didParam = schema.idParam('did', 128)
const idParam = schema.idParam('id')

function ttl(value: unknown): number {
  return parseDuration(value, 'ttl', MAX_GRANT_TTL)
}

function tokenTtl(value: unknown): number {
  return parseDuration(value, 'ttl', 366 * 86400)
}

function optionalInt(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^[0-9]{1,10}$/.test(value) || Number(value) < min || Number(value) > max) throw agentIdError('ERR_INPUT_INVALID', `"${name}" must be a whole number from ${min} to ${max}`)
  return Number(value)
}

/** Every route of the issuer service but `/openapi.json`, which documents them. */
export const ROUTES: readonly Route[] = [
  {
    method: 'GET', url: '/health', summary: 'liveness: the service answers and its database opens', tag: 'service', access: 'public', success: [200],
    handler: async ({ issuer }) => ({ body: { ok: true, issuer: issuer.did } }),
  },
  {
    method: 'GET', url: '/issuer', summary: "the issuer's DID, its status lists, and the signed statements of its key rotations (what verifiers trust and fetch)", tag: 'service', access: 'public', success: [200],
    handler: async ({ issuer }) => ({ body: { did: issuer.did, statusLists: await issuer.statusListIds(), rotations: await issuer.rotations() } }),
  },
  {
    method: 'GET', url: '/service', summary: 'the service at a glance (what `agentid status` shows): issuer DID, public URL, status lists with their URLs, the last signed audit checkpoint', tag: 'service', access: 'public', success: [200],
    handler: async ({ issuer }) => {
      const [checkpoint] = await issuer.listCheckpoints(1)
      const lists = await issuer.statusLists()
      return {
        body: {
          did: issuer.did,
          publicUrl: issuer.publicUrl,
          statusLists: lists.map((l) => ({ id: l.id, purpose: l.purpose, url: `${issuer.publicUrl}/status/${l.id}` })),
          lastCheckpoint: checkpoint ? { seq: checkpoint.seq, head: checkpoint.head, at: new Date(checkpoint.at).toISOString() } : null,
        },
      }
    },
  },
  {
    method: 'GET', url: '/whoami', summary: 'the principal this token authenticates', tag: 'principals', access: 'any', success: [200],
    handler: async ({ principal }) => ({ body: { id: principal.id, roles: principal.roles, ...(principal.did ? { did: principal.did } : {}), ...(principal.expiresAt !== undefined ? { expiresAt: new Date(principal.expiresAt).toISOString() } : {}) } }),
  },
  {
    method: 'GET', url: '/principals', summary: 'list principals (never their tokens)', tag: 'principals', access: ['admin', 'auditor'], success: [200],
    handler: async ({ issuer }) => ({ body: { principals: (await issuer.listPrincipals()).map(principalView) } }),
  },
  {
    method: 'POST', url: '/principals', summary: 'create a principal (its token expires after `ttl` when given); its bearer token is in this answer only', tag: 'principals', access: ['admin'], body: schema.principalBody, success: [201],
    handler: async ({ issuer, principal, body }) => {
      const b = body as { id: string; roles: string[]; did?: string; ttl?: string }
      const created = await issuer.createPrincipal({ id: b.id, roles: b.roles, ...(b.did !== undefined ? { did: b.did } : {}), ...(b.ttl !== undefined ? { ttlSeconds: tokenTtl(b.ttl) } : {}) }, principal)
      return { status: 201, body: { principal: principalView(created.principal), token: created.token } }
    },
  },
  ...(['disable', 'enable'] as const).map((verb): Route => ({
    method: 'POST', url: `/principals/:id/${verb}`,
    summary: verb === 'disable' ? 'disable a principal: its token is refused at once, and its approvals of requests not issued yet stop counting' : 'enable a disabled principal again',
    tag: 'principals', access: ['admin'], params: schema.idParam('id', 128), body: schema.emptyBody, success: [200],
    handler: async ({ issuer, principal, params }) => {
      const changed = await issuer.setPrincipalEnabled(params.id!, verb === 'enable', principal)
      return { body: { principal: principalView(changed.principal), ...(changed.voided.length > 0 ? { approvalsVoided: changed.voided.map((v) => ({ ...v, level: v.level + 1 })) } : {}) } }
    },
  })),
  {
    method: 'POST', url: '/principals/:id/rotate', summary: "replace a principal's token (admin for any, every principal for its own): the old one is refused at once; the new one is in this answer only",
    tag: 'principals', access: 'any', params: schema.idParam('id', 128), body: schema.rotateBody, success: [200],
    handler: async ({ issuer, principal, params, body }) => {
      const ttlText = (body as { ttl?: string } | undefined)?.ttl
      const rotated = await issuer.rotatePrincipalToken(params.id!, principal, ttlText !== undefined ? { ttlSeconds: tokenTtl(ttlText) } : {})
      return { body: { principal: principalView(rotated.principal), token: rotated.token } }
    },
  },
  {
    method: 'PUT', url: '/principals/:id/roles', summary: "replace a principal's roles; approvals it gave in a role it loses stop counting", tag: 'principals', access: ['admin'],
    params: schema.idParam('id', 128), body: schema.principalRolesBody, success: [200],
    handler: async ({ issuer, principal, params, body }) => {
      const changed = await issuer.setPrincipalRoles(params.id!, (body as { roles: string[] }).roles, principal)
      return { body: { principal: principalView(changed.principal), ...(changed.voided.length > 0 ? { approvalsVoided: changed.voided.map((v) => ({ ...v, level: v.level + 1 })) } : {}) } }
    },
  },
  {
    method: 'GET', url: '/policy', summary: 'the policy in force and its version', tag: 'policy', access: READERS, success: [200],
    handler: async ({ issuer }) => ({ body: policyView(await issuer.policy()) }),
  },
  {
    method: 'PUT', url: '/policy', summary: 'replace the policy (a new version, audited)', tag: 'policy', access: ['admin'], body: schema.policyBody, success: [200],
    handler: async ({ issuer, principal, body }) => ({ body: policyView(await issuer.setPolicy(body, principal)) }),
  },
  {
    method: 'GET', url: '/roles', summary: 'list role templates', tag: 'roles', access: READERS, success: [200],
    handler: async ({ issuer }) => ({ body: { roles: (await issuer.listRoles()).map(roleView) } }),
  },
  {
    method: 'PUT', url: '/roles/:name', summary: 'create or replace a role template', tag: 'roles', access: ['admin'], params: schema.idParam('name', 64), body: schema.roleBody, success: [200],
    handler: async ({ issuer, principal, params, body }) => {
      const b = body as { description: string; entitlements: unknown[]; ttl: string }
      return { body: roleView(await issuer.putRole({ name: params.name!, description: b.description, entitlements: b.entitlements, ttlSeconds: ttl(b.ttl) }, principal)) }
    },
  },
  {
    method: 'DELETE', url: '/roles/:name', summary: 'delete a role template', tag: 'roles', access: ['admin'], params: schema.idParam('name', 64), success: [200],
    handler: async ({ issuer, principal, params }) => {
      await issuer.deleteRole(params.name!, principal)
      return { body: { deleted: params.name } }
    },
  },
  {
    method: 'GET', url: '/agents', summary: 'list agents (an agent owner sees their own); with `limit` or `offset`, one page from the store, filtered by text (name or DID), kind, owner, segment, status (active, suspended, retired) and risk (of a live credential), with the total and a `next` cursor; with `after` (empty for the first page, then a `next`), the page after that cursor, without the total (its cost does not grow with the page\'s depth). Without any of these, every agent in one answer (kept for existing clients; it reads every agent: page on large issuers)', tag: 'agents', access: READERS, success: [200],
    query: {
      type: 'object', additionalProperties: false,
      properties: {
        q: { type: 'string', maxLength: 128 }, kind: { type: 'string', maxLength: 32 }, owner: { type: 'string', maxLength: 256 }, segment: { type: 'string', maxLength: 64 },
        status: { enum: ['active', 'suspended', 'retired'] }, risk: { enum: ['low', 'medium', 'high', 'critical'] }, ...schema.pageQuery, ...schema.cursorQuery,
      },
    },
    handler: async ({ issuer, principal, query }) => {
      const filtered = ['q', 'kind', 'owner', 'segment', 'status', 'risk', 'limit', 'offset', 'after'].some((k) => query[k] !== undefined)
      if (!filtered) return { body: { agents: (await issuer.listAgents(principal)).map(agentView) } }
      const filter = {
        ...(query.q ? { text: query.q } : {}), ...(query.kind ? { kind: query.kind } : {}), ...(query.owner ? { owner: query.owner } : {}), ...(query.segment ? { segment: query.segment } : {}),
        ...(query.status ? { status: query.status as 'active' | 'suspended' | 'retired' } : {}), ...(query.risk ? { risk: query.risk } : {}),
      }
      const { limit, offset } = schema.pageOf(query)
      if (query.after !== undefined) {
        if (query.offset !== undefined) throw agentIdError('ERR_INPUT_INVALID', '"after" and "offset" are two ways to page: give one')
        const { agents, next } = await issuer.pageAgentsAfter(filter, limit, query.after === '' ? undefined : schema.parseAgentCursor(query.after), principal)
        return { body: { agents: agents.map(agentView), limit, ...(next ? { next: schema.agentCursor(next) } : {}) } }
      }
      const { agents, total } = await issuer.pageAgents(filter, limit, offset, principal)
      const last = agents[agents.length - 1]
      return { body: { agents: agents.map(agentView), total, limit, offset, ...(last && offset + agents.length < total ? { next: schema.agentCursor(last) } : {}) } }
    },
  },
  {
    method: 'POST', url: '/agents', summary: "enrol an agent by its did:key; a role template issues its initial credential at once (or, when the policy requires approval for it, opens the request)", tag: 'agents', access: ['admin'], body: schema.agentBody, success: [201],
    handler: async ({ issuer, principal, body }) => {
      const b = body as { did: string; name: string; kind: AgentKind; owner: string; segment?: string; role?: string }
      const { agent, credentials, request } = await issuer.registerAgent(b, principal)
      return { status: 201, body: { agent: agentView(agent), credentials: credentials.map((c) => ({ ...credentialView(c.record), jwt: c.jwt })), ...(request ? { request: requestView(request) } : {}) } }
    },
  },
  {
    method: 'GET', url: '/agents/:did', summary: 'one agent and its credentials', tag: 'agents', access: READERS, params: didParam, success: [200],
    handler: async ({ issuer, principal, params }) => {
      const agent = await issuer.visibleAgent(params.did!, principal)
      const credentials = await issuer.listCredentials({ subject: agent.did }, principal)
      return {
        body: {
          agent: agentView(agent),
          credentials: await Promise.all(credentials.map(async (c) => ({ ...credentialView(c), delegations: (await issuer.listDelegations(c.id)).map(delegationView) }))),
        },
      }
    },
  },
  {
    method: 'POST', url: '/agents/:did/retire', summary: "deprovision: retire the agent (or an owner's employee agents), revoke all their credentials, disable that DID's principals", tag: 'agents', access: ['admin'], params: didParam, body: schema.emptyBody, success: [200],
    handler: async ({ issuer, principal, params }) => ({ body: retirementView(await issuer.retireAgent(params.did!, principal)) }),
  },
  {
    method: 'POST', url: '/agents/:did/owner', summary: 'give an agent a new owner (one suspended when its owner was retired waits for one; resume it after)', tag: 'agents', access: ['admin'],
    params: didParam, body: schema.ownerBody, success: [200],
    handler: async ({ issuer, principal, params, body }) => {
      const moved = await issuer.transferAgent(params.did!, (body as { owner: string }).owner, principal)
      return { body: { agent: agentView(moved.agent), ...(moved.voided.length > 0 ? { approvalsVoided: moved.voided.map((v) => ({ ...v, level: v.level + 1 })) } : {}) } }
    },
  },
  ...(['suspend', 'resume'] as const).map((verb): Route => ({
    method: 'POST', url: `/agents/:did/${verb}`, summary: verb === 'suspend' ? "incident response: suspend every active credential of the agent" : 'resume every suspended credential of the agent',
    tag: 'agents', access: ['admin', 'security'], params: didParam, body: schema.emptyBody, success: [200],
    handler: async ({ issuer, principal, params }) => {
      const changed = await issuer.setSuspended({ agent: parseDidKey(params.did!).did }, verb === 'suspend', principal)
      return { body: { [verb === 'suspend' ? 'suspended' : 'resumed']: changed.map((c) => c.id), changed: changed.length > 0 } }
    },
  })),
  {
    method: 'GET', url: '/credentials', summary: 'list credentials, by subject or task', tag: 'credentials', access: READERS,
    query: { type: 'object', additionalProperties: false, properties: { subject: schema.did, task: { type: 'string', maxLength: 128 } } }, success: [200],
    handler: async ({ issuer, principal, query }) => {
      const { subject, task } = query
      const list = await issuer.listCredentials({ ...(subject !== undefined ? { subject } : {}), ...(task ? { taskId: task } : {}) }, principal)
      return { body: { credentials: list.map(credentialView) } }
    },
  },
  {
    method: 'GET', url: '/credentials/:id', summary: 'one credential record (its JWT: GET /credentials/{id}/jwt)', tag: 'credentials', access: READERS, params: idParam, success: [200],
    handler: async ({ issuer, principal, params }) => ({ body: credentialView(await issuer.visibleCredential(params.id!, principal)) }),
  },
  {
    method: 'GET', url: '/credentials/:id/jwt', summary: 'the credential as issued (VC-JWT, vc+jwt or SD-JWT VC), to hand it to its agent again: admins, and owners for their agents; agents fetch their own over OpenID4VCI', tag: 'credentials', access: ['admin', 'agent-owner'], params: idParam, success: [200],
    handler: async ({ issuer, principal, params }) => ({ body: await issuer.visibleCredentialJwt(params.id!, principal) }),
  },
  {
    method: 'POST', url: '/credentials/:id/offer', summary: 'an OpenID4VCI credential offer (pre-authorized code, single use, for the credential\'s agent) for this credential and those in `also`; with `txCode`, a transaction code to send the agent by another channel', tag: 'credentials',
    access: ['admin', 'agent-owner'], params: idParam, body: schema.offerBody, success: [201],
    handler: async ({ issuer, principal, params, body }) => {
      const b = (body ?? {}) as { txCode?: boolean; ttl?: string; also?: string[] }
      const created = await createCredentialOffer(issuer, [params.id!, ...(b.also ?? [])], principal, {
        ...(b.txCode !== undefined ? { txCode: b.txCode } : {}), ...(b.ttl !== undefined ? { ttlSeconds: parseDuration(b.ttl, 'ttl', OFFER_TTL_MAX) } : {}),
      })
      return { status: 201, body: created }
    },
  },
  {
    method: 'POST', url: '/credentials/:id/revoke', summary: 'revoke a credential, for good', tag: 'credentials', access: ['admin', 'security'], params: idParam, body: schema.reasonBody, success: [200],
    handler: async ({ issuer, principal, params, body }) => {
      const { record, changed } = await issuer.revoke(params.id!, principal, body?.reason as string | undefined)
      return { body: { ...credentialView(record), changed } }
    },
  },
  ...(['suspend', 'resume'] as const).map((verb): Route => ({
    method: 'POST', url: `/credentials/:id/${verb}`, summary: `${verb} one credential`, tag: 'credentials', access: ['admin', 'security'], params: idParam, body: schema.emptyBody, success: [200],
    handler: async ({ issuer, principal, params }) => {
      const [changed] = await issuer.setSuspended({ credentialId: params.id! }, verb === 'suspend', principal)
      // In that state already (a retry): the record as it is, and that nothing changed.
      const record = changed ?? (await issuer.visibleCredential(params.id!, principal))
      return { body: { ...credentialView(record), changed: changed !== undefined } }
    },
  })),
  {
    method: 'POST', url: '/delegations', summary: 'record a delegation chain an agent made offline (root first): audited, weighed for separation of duties, a person\'s stray delegation raises an alert; an admin reports any, an owner or an agent (Authorization: VP) one it takes part in',
    tag: 'agents', access: ['admin', 'agent-owner', 'agent'], body: schema.delegationReportBody, success: [200],
    handler: async ({ issuer, principal, body }) => {
      const chain = (body as { chain: string[] }).chain
      const { recorded, alerts } = await issuer.reportDelegation(chain, principal)
      return { body: { recorded: recorded.map(delegationView), alreadyKnown: chain.length - 1 - recorded.length, alerts: alerts.map(alertView) } }
    },
  },
  {
    method: 'GET', url: '/requests', summary: 'list access requests (an agent owner sees those of their agents)', tag: 'requests', access: READERS,
    query: { type: 'object', additionalProperties: false, properties: { status: { enum: ['pending', 'issued', 'denied', 'expired', 'decided'] }, subject: schema.did, ...schema.pageQuery } }, success: [200],
    handler: async ({ issuer, principal, query }) => {
      const { status, subject } = query as { status?: 'pending' | 'issued' | 'denied' | 'expired' | 'decided'; subject?: string }
      // With limit or offset: one page from the store, newest first, and the total.
      if (query.limit !== undefined || query.offset !== undefined) {
        const { limit, offset } = schema.pageOf(query)
        const { requests, total } = await issuer.pageRequests({ ...(status ? { status } : {}), ...(subject !== undefined ? { subject } : {}) }, limit, offset, principal)
        return { body: { requests: requests.map(requestView), total, limit, offset } }
      }
      if (status === 'decided') throw agentIdError('ERR_INPUT_INVALID', 'status=decided pages: give limit or offset')
      const visible = await issuer.listRequests({ ...(status ? { status } : {}), ...(subject ? { subject } : {}) }, principal)
      return { body: { requests: visible.map(requestView) } }
    },
  },
  {
    method: 'POST', url: '/requests', summary: "ask for entitlements: 201 with the credential when policy needs no approval, else 202 with the request opened; an agent may ask for itself with Authorization: VP <presentation to the issuer over GET /challenge>", tag: 'requests',
    access: ['admin', 'agent-owner', 'agent'], body: schema.accessRequestBody, success: [201, 202],
    handler: async ({ issuer, principal, body }) => {
      const b = body as { subject: string; entitlements: unknown[]; ttl: string; task?: { id: string; description?: string }; jit?: boolean; justification?: string; renewableFor?: string; format?: 'vc' | 'sd-jwt' }
      const outcome = await issuer.requestAccess({
        ...(b.format !== undefined ? { format: b.format } : {}),
        subject: b.subject, entitlements: b.entitlements, ttlSeconds: ttl(b.ttl),
        ...(b.renewableFor !== undefined ? { renewableForSeconds: parseDuration(b.renewableFor, 'renewableFor', MAX_GRANT_TTL) } : {}),
        ...(b.task ? { task: b.task } : {}), ...(b.jit !== undefined ? { jit: b.jit } : {}), ...(b.justification !== undefined ? { justification: b.justification } : {}),
      }, principal)
      if (outcome.credential) return { status: 201, body: { credential: { ...credentialView(outcome.credential.record), jwt: outcome.credential.jwt } } }
      return { status: 202, body: { request: requestView(outcome.request) } }
    },
  },
  {
    method: 'GET', url: '/requests/:id', summary: 'one access request with its approvals', tag: 'requests', access: READERS, params: idParam, success: [200],
    handler: async ({ issuer, principal, params }) => ({ body: requestView(await issuer.visibleRequest(params.id!, principal)) }),
  },
  ...(['approve', 'deny'] as const).map((verb): Route => ({
    method: 'POST', url: `/requests/:id/${verb}`,
    summary: verb === 'approve' ? "approve the request's current level (the last approval issues the credential; its JWT is in this answer)" : 'deny the request: one denial ends it',
    tag: 'requests', access: [APPROVER], params: idParam, body: schema.decisionBody, success: [200],
    handler: async ({ issuer, principal, params, body }) => {
      const b = (body ?? {}) as { role?: string; reason?: string }
      const result = await issuer.decide(params.id!, verb, principal, { ...(b.role !== undefined ? { role: b.role } : {}), ...(b.reason !== undefined ? { reason: b.reason } : {}) })
      return { body: { request: requestView(result.request), ...(result.credential ? { credential: { ...credentialView(result.credential.record), jwt: result.credential.jwt } } : {}) } }
    },
  })),
  {
    method: 'POST', url: '/tasks/:id/complete', summary: "end a task: revoke at once every live credential issued for it", tag: 'requests', access: ['admin', 'agent-owner'], params: schema.idParam('id', 128), body: schema.emptyBody, success: [200],
    handler: async ({ issuer, principal, params }) => {
      const ended = await issuer.completeTask(params.id!, principal)
      return { body: { task: params.id, revoked: ended.revoked.map((c) => c.id), requestsClosed: ended.requestsClosed } }
    },
  },
  {
    method: 'GET', url: '/reviews', summary: 'list review campaigns with their items; with `limit` or `offset`, one page of campaigns (newest first) with their progress instead of their items (GET /reviews/{id}/items pages those)', tag: 'reviews', access: ['admin', 'reviewer', 'auditor'], success: [200],
    query: { type: 'object', additionalProperties: false, properties: schema.pageQuery },
    handler: async ({ issuer, query }) => {
      if (query.limit !== undefined || query.offset !== undefined) {
        const { limit, offset } = schema.pageOf(query)
        const campaigns = (await issuer.listReviews()).reverse()
        const reviews = await Promise.all(campaigns.slice(offset, offset + limit).map(async (c) => {
          const { items: _items, ...view } = campaignView(c, [])
          return { ...view, progress: await issuer.reviewProgress(c.id) }
        }))
        return { body: { reviews, total: campaigns.length, limit, offset } }
      }
      const items = await issuer.listReviewItems()
      return { body: { reviews: (await issuer.listReviews()).map((c) => campaignView(c, items.filter((i) => i.campaign === c.id))) } }
    },
  },
  {
    method: 'POST', url: '/reviews', summary: 'start a review campaign over the credentials due (or all live ones)', tag: 'reviews', access: ['admin', 'reviewer'], body: schema.reviewBody, success: [201],
    handler: async ({ issuer, principal, body }) => {
      const b = (body ?? {}) as { name?: string; all?: boolean }
      const started = await issuer.startReview(b, principal)
      const { campaign, items } = await issuer.reviewCampaign(started.campaign)
      return { status: 201, body: { ...campaignView(campaign, items), digest: started.digest } }
    },
  },
  ...(['certify', 'revoke'] as const).map((verb): Route => ({
    method: 'POST', url: `/reviews/items/:id/${verb}`, summary: verb === 'certify' ? 'certify a review item: the access stays' : 'revoke the credential of a review item', tag: 'reviews',
    access: ['admin', 'reviewer'], params: idParam, success: [200],
    body: schema.emptyBody,
    handler: async ({ issuer, principal, params }) => ({ body: { item: reviewItemView(await issuer.decideReview(params.id!, verb === 'certify' ? 'certified' : 'revoked', principal)) } }),
  })),
  {
    method: 'GET', url: '/webhooks', summary: 'webhooks (never their secrets)', tag: 'monitoring', access: ['admin', 'auditor'], success: [200],
    handler: async ({ issuer }) => ({ body: { webhooks: (await issuer.listWebhooks()).map(webhookView) } }),
  },
  {
    method: 'POST', url: '/webhooks', summary: 'register a webhook for signed events (status, alert; both by default); its secret is in this answer only', tag: 'monitoring', access: ['admin'],
    body: schema.webhookBody, success: [201],
    handler: async ({ issuer, principal, body }) => {
      const created = await issuer.createWebhook(body as { url: string; events?: string[] }, principal)
      return { status: 201, body: { webhook: webhookView(created.webhook), secret: created.secret } }
    },
  },
  {
    method: 'DELETE', url: '/webhooks/:id', summary: 'remove a webhook', tag: 'monitoring', access: ['admin'], params: idParam, success: [200],
    handler: async ({ issuer, principal, params }) => {
      await issuer.deleteWebhook(params.id!, principal)
      return { body: { deleted: params.id } }
    },
  },
  {
    method: 'GET', url: '/alerts', summary: 'alerts, newest first (review.overdue, anomaly.*, delegation.stray); with `limit`, `offset` or `order`, one page by severity and subject, newest first or with `order=score` highest score first (alerts without a score last), with the total and each alert\'s acknowledgement', tag: 'monitoring', access: ['admin', 'auditor', 'security'], success: [200],
    query: { type: 'object', additionalProperties: false, properties: { severity: { enum: ['low', 'medium', 'high', 'critical'] }, subject: schema.did, order: { enum: [...ALERT_ORDERS] }, ...schema.pageQuery } },
    handler: async ({ issuer, query }) => {
      if (!['severity', 'subject', 'order', 'limit', 'offset'].some((k) => query[k] !== undefined)) return { body: { alerts: (await issuer.listAlerts()).map(alertView) } }
      const { limit, offset } = schema.pageOf(query)
      const { alerts, total } = await issuer.pageAlerts({ ...(query.severity ? { severity: query.severity } : {}), ...(query.subject ? { subject: query.subject } : {}), ...(query.order ? { order: query.order as AlertOrder } : {}) }, limit, offset)
      const views = await Promise.all(alerts.map(async (a) => {
        const ack = await issuer.alertAcknowledgement(a.id)
        return { ...alertView(a), ...(ack ? { acknowledged: ack } : {}) }
      }))
      return { body: { alerts: views, total, limit, offset } }
    },
  },
  {
    method: 'GET', url: '/audit/checkpoints', summary: 'the newest 100 signed audit checkpoints (VC-JWTs: entry number, head hash, time); public, so that others can keep copies', tag: 'monitoring', access: 'public', success: [200],
    handler: async ({ issuer }) => ({ body: { checkpoints: (await issuer.listCheckpoints(100)).map((c) => ({ seq: c.seq, head: c.head, at: new Date(c.at).toISOString(), jwt: c.jwt })) } }),
  },
  {
    method: 'GET', url: '/audit', summary: 'audit entries in order, from a sequence number', tag: 'monitoring', access: ['admin', 'auditor'],
    query: { type: 'object', additionalProperties: false, properties: { from: { type: 'string', pattern: '^[0-9]{1,10}$' }, limit: { type: 'string', pattern: '^[0-9]{1,5}$' } } }, success: [200],
    handler: async ({ issuer, query }) => {
      const from = optionalInt(query.from, 'from', 1, 2 ** 31, 1)
      const limit = optionalInt(query.limit, 'limit', 1, 1000, 100)
      return { body: { entries: (await issuer.readAudit(from, limit)).map(auditView) } }
    },
  },
]

/** Whether a principal may call a route with this access, given the policy's approver roles. */
export function mayCall(principal: Principal, access: Exclude<Access, 'public' | 'any'>, approverRoles: readonly string[]): boolean {
  return access.some((role) => (role === APPROVER ? approverRoles.some((r) => hasRole(principal, r)) : hasRole(principal, role)))
}

