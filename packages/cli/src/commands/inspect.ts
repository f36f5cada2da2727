import type { Command } from 'commander'
import { agentIdError, entitlementToJson, isAgentIdError, parseStrictJson, type ErrorCode } from '@agentid/core'
import type { CheckedCredential, StatusSource, VerifiedCredential } from '@agentid/verifier'
import type { CommandContext } from '../context.js'
import { readTextFile } from '../files.js'
import { entitlementText, lifetime, relativeTime } from '../human.js'
import { collect } from '../options.js'
import { statusOptions, statusSourceFromOptions, type StatusOptions } from '../status-options.js'

interface InspectOptions extends StatusOptions { trust?: string[] }

/** What a verifier says about one item. */
interface Verdict {
  ok: boolean
  code?: ErrorCode
  message?: string
  /** False when no --trust was given: the item's own issuer was taken as trusted. */
  trustChecked: boolean
  /** False when no status source was given, or the item has no status to check. */
  statusChecked: boolean
}

type Item =
  | { kind: 'credential'; credential: ReturnType<typeof credentialJson>; verdict: Verdict }
  | { kind: 'chain'; links: Array<ReturnType<typeof credentialJson>>; verdict: Verdict }
  | { kind: 'presentation'; holder?: string; audience?: unknown; challenge?: unknown; issuedAt?: string; expires?: string; credentials: Array<ReturnType<typeof credentialJson>>; verdict: Verdict }
  | { kind: 'status-list'; url: string; issuer: string; purpose: string; entries: number; set: number; issuedAt: string; expires?: string; verdict: Verdict }
  | { kind: 'other'; types: string[]; issuer?: string; subject?: string; id?: string; issuedAt?: string; expires?: string; verdict: Verdict }

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const MAX_ITEMS = 16
// A placeholder verifier DID: checking a credential alone never looks at the verifier's own DID.
const ANY_VERIFIER = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'
const TOLERANCE = 60

/**
 * The JWTs of an inspected file: one or several per line, or JSON holding them (a string, an
 * array, or the `--json` output of grant, present, status publish...), up to 16.
 * @throws AgentIdError ERR_INPUT_INVALID for anything else
 */
export function jwtsOf(text: string, file: string): string[] {
  const garbage = () => agentIdError('ERR_INPUT_INVALID', `${file} holds neither JWTs (one or several per line) nor JSON holding them`)
  let jwts: string[]
  if (/^[[{"]/.test(text)) {
    const found: string[] = []
    const walk = (value: unknown): void => {
      if (typeof value === 'string') {
        if (JWT_SHAPE.test(value)) found.push(value)
      } else if (Array.isArray(value)) value.forEach(walk)
      else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk)
    }
    walk(parseStrictJson(text, { maxDepth: 16 }, 'ERR_INPUT_INVALID', file))
    jwts = found
  } else {
    jwts = text.split(/\s+/).filter((t) => t !== '')
    if (jwts.some((t) => !JWT_SHAPE.test(t))) throw garbage()
  }
  if (jwts.length === 0) throw garbage()
  if (jwts.length > MAX_ITEMS) throw agentIdError('ERR_INPUT_INVALID', `${file} holds more than ${MAX_ITEMS} JWTs`)
  return jwts
}

// A date a token claims, as text; one out of JavaScript's range is shown as such, not thrown.
function iso(seconds: number | undefined): string | undefined {
  if (seconds === undefined) return undefined
  const ms = seconds * 1000
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `(out of range: ${seconds})`
}

function credentialJson(c: CheckedCredential) {
  return {
    id: c.id,
    type: c.kind === 'entitlement' ? 'entitlement' as const : 'delegation' as const,
    issuer: c.issuer,
    subject: c.subject,
    ...(c.notBefore !== undefined ? { notBefore: iso(c.notBefore)! } : {}),
    expires: iso(c.expires)!,
    entitlements: c.entitlements.map(entitlementToJson),
    ...(c.kind === 'delegation' ? { parent: c.delegation.parent, depth: c.delegation.depth } : {}),
    status: c.status.map((s) => ({ purpose: s.statusPurpose, index: Number(s.statusListIndex), url: s.statusListCredential })),
  }
}

function refused(error: unknown, trustChecked: boolean): Verdict {
  const e = isAgentIdError(error) ? error : agentIdError('ERR_INPUT_INVALID', (error as Error).message)
  return { ok: false, code: e.code, message: e.message, trustChecked, statusChecked: false }
}

// The document's types: in the `vc` or `vp` claim (VC 1.1), or the payload itself (VC 2.0).
function typesOf(payload: Record<string, unknown>): string[] {
  const document = (payload.vc ?? payload.vp ?? payload) as { type?: unknown }
  const type = document.type
  return (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string')
}

export function registerInspect(program: Command, ctx: CommandContext): void {
  statusOptions(program
    .command('inspect <file>')
    .description('decode a credential, presentation, delegation chain or status list credential (JWTs, one or several per line, or JSON holding them) and say what a verifier would')
    .option('--trust <did>', 'a trusted issuer DID; repeatable (without it, each item\'s own issuer is taken as trusted and the result says so)', collect))
    .addHelpText('after', [
      '',
      'A presentation is checked for its own audience and challenge; a chain file (from delegate) as',
      'the chain its last subject would present. Status is checked only with --status-list or',
      '--status-url. Exit status: 0 when a verifier accepts every item, 1 when it refuses one.',
      '',
      'Examples:',
      '  agentid inspect report-bot.vc.jwt',
      '  agentid inspect assistant.chain --trust $ISSUER --status-url',
      '  agentid inspect status.jwt --json',
    ].join('\n'))
    .action(async (file: string, opts: InspectOptions) => {
      // Online status fetches the URL the credential names: only for issuers the user trusts, never
      // for whoever signed the file (a crafted credential would make this command fetch any URL).
      if (opts.statusUrl && opts.trust === undefined) throw agentIdError('ERR_USAGE', '--status-url needs --trust <issuer DID>: a credential\'s status is fetched only from an issuer you trust')
      const status = (await statusSourceFromOptions(ctx.io.cwd, opts)) ?? 'unchecked'
      const jwts = jwtsOf(await readTextFile(ctx.io.cwd, file, 'file'), file)
      const items = await inspect(jwts, opts.trust, status)
      ctx.out().result({ ok: items.every((i) => i.verdict.ok), items }, () => items.map((i) => itemLines(i, Date.now()).join('\n')).join('\n\n'))
      if (!items.every((i) => i.verdict.ok)) ctx.exitCode = 1
    })
}

async function inspect(jwts: readonly string[], trust: readonly string[] | undefined, status: StatusSource | 'unchecked'): Promise<Item[]> {
  const verifierLib = await import('@agentid/verifier')
  const { checkAnyCredentialJwt, checkStatusListJwt, createVerifier, decodeJwt, jwtSignatureValid, resolveDidKey, resolveChains, chainExceeds } = verifierLib
  // Decoding is the one step whose failure leaves nothing to show: it is the command's error.
  const decoded = jwts.map((jwt) => decodeJwt(jwt, { maxLength: 4 * 1024 * 1024, maxDepth: 16 }, 'JWT'))
  const trustChecked = trust !== undefined
  const verifierFor = (issuers: readonly string[], did = ANY_VERIFIER) => createVerifier({
    did, trustedIssuers: trust ?? [...new Set(issuers)], statusLists: status, externalChallenges: true,
  })
  const items: Item[] = []
  const links: Array<{ jwt: string; credential: CheckedCredential }> = []
  const linkErrors: unknown[] = []
  for (const d of decoded) {
    const types = typesOf(d.payload)
    if (types.includes('VerifiablePresentation')) {
      items.push(await presentationItem(d.token, d.payload))
    } else if (types.includes('BitstringStatusListCredential')) {
      try {
        const list = checkStatusListJwt(d.token)
        const set = [...list.bits].reduce((n, byte) => n + popcount(byte), 0)
        const expired = list.expires !== undefined && Date.now() / 1000 >= list.expires + TOLERANCE
        const untrusted = trust !== undefined && !trust.includes(list.issuer)
        items.push({
          kind: 'status-list', url: list.url, issuer: list.issuer, purpose: list.purposes.join(', '), entries: list.bits.length * 8, set, issuedAt: iso(list.issuedAt)!,
          ...(list.expires !== undefined ? { expires: iso(list.expires)! } : {}),
          verdict: untrusted ? { ok: false, code: 'ERR_VC_ISSUER_UNTRUSTED', message: `status list is signed by ${list.issuer}, which --trust does not name`, trustChecked, statusChecked: false }
            : expired ? { ok: false, code: 'ERR_STATUS_UNAVAILABLE', message: 'status list has expired', trustChecked, statusChecked: false }
            : { ok: true, trustChecked, statusChecked: false },
        })
      } catch (error) {
        items.push({ kind: 'status-list', url: '?', issuer: String(d.payload.iss), purpose: '?', entries: 0, set: 0, issuedAt: '?', verdict: refused(error, trustChecked) })
      }
    } else if (types.includes('AgentEntitlementCredential') || types.includes('AgentDelegationCredential')) {
      try {
        links.push({ jwt: d.token, credential: checkAnyCredentialJwt(d.token) })
      } catch (error) {
        linkErrors.push(error)
        items.push({ kind: 'other', types, ...(typeof d.payload.iss === 'string' ? { issuer: d.payload.iss } : {}), verdict: refused(error, trustChecked) })
      }
    } else {
      // Anything else agentid signs (an audit checkpoint, a rotation statement): its signature.
      let verdict: Verdict
      try {
        const ok = typeof d.payload.iss === 'string' && jwtSignatureValid(d, resolveDidKey(d.payload.iss))
        verdict = ok ? { ok: true, trustChecked: false, statusChecked: false } : { ok: false, code: 'ERR_SIGNATURE', message: 'signature does not verify against its iss', trustChecked: false, statusChecked: false }
      } catch (error) {
        verdict = refused(error, false)
      }
      items.push({
        kind: 'other', types,
        ...(typeof d.payload.iss === 'string' ? { issuer: d.payload.iss } : {}), ...(typeof d.payload.sub === 'string' ? { subject: d.payload.sub } : {}),
        ...(typeof d.payload.jti === 'string' ? { id: d.payload.jti } : {}),
        ...(typeof d.payload.iat === 'number' ? { issuedAt: iso(d.payload.iat)! } : {}), ...(typeof d.payload.exp === 'number' ? { expires: iso(d.payload.exp)! } : {}),
        verdict,
      })
    }
  }

  const delegations = links.filter((l) => l.credential.kind === 'delegation')
  if (delegations.length === 0) {
    for (const { jwt, credential } of links) {
      const result = await verifierFor([credential.issuer]).verifyCredential(jwt)
      items.push({ kind: 'credential', credential: credentialJson(credential), verdict: result.ok ? { ok: true, trustChecked, statusChecked: result.statusChecked && credential.status.length > 0 } : refused(agentIdError(result.code, result.message), trustChecked) })
    }
  } else {
    items.push({ kind: 'chain', links: links.map((l) => credentialJson(l.credential)), verdict: await chainVerdict(links.map((l) => l.credential)) })
  }
  return items

  // A chain as its last subject would present it: structure, time and trust of every link,
  // attenuation, then the root's status.
  async function chainVerdict(credentials: CheckedCredential[]): Promise<Verdict> {
    try {
      const leaf = credentials[credentials.length - 1]!
      const chains = resolveChains(credentials, leaf.subject, 7)
      const now = Date.now() / 1000
      let statusChecked = false
      for (const chain of chains) {
        const root = chain.links[0]
        for (const link of chain.links.slice(1)) {
          if (now >= link.expires + TOLERANCE) throw agentIdError('ERR_DELEGATION', `delegation ${link.id} has expired`)
          if (link.notBefore !== undefined && now < link.notBefore - TOLERANCE) throw agentIdError('ERR_DELEGATION', `delegation ${link.id} is not valid yet`)
        }
        const exceeds = chainExceeds(chain)
        if (exceeds !== undefined) throw agentIdError('ERR_DELEGATION', exceeds)
        const result = await verifierFor([root.issuer]).verifyCredential(root.jwt)
        if (!result.ok) throw agentIdError(result.code, `root ${root.id}: ${result.message}`)
        statusChecked = result.statusChecked && root.status.length > 0
      }
      return { ok: true, trustChecked, statusChecked }
    } catch (error) {
      return refused(error, trustChecked)
    }
  }

  // A presentation, checked for the audience and challenge it names itself.
  async function presentationItem(jwt: string, payload: Record<string, unknown>): Promise<Item> {
    const vp = (payload.vp ?? payload) as { verifiableCredential?: unknown }
    // VC 1.1 carries JWT strings; VC 2.0 EnvelopedVerifiableCredentials with data: URLs.
    const inner = (Array.isArray(vp.verifiableCredential) ? vp.verifiableCredential : [])
      .map((c: unknown) => (typeof c === 'object' && c !== null && typeof (c as { id?: unknown }).id === 'string' ? (c as { id: string }).id.replace(/^data:application\/vc\+jwt,/, '') : c))
      .filter((c): c is string => typeof c === 'string')
    const credentials: CheckedCredential[] = []
    for (const c of inner) {
      try {
        credentials.push(checkAnyCredentialJwt(c))
      } catch {
        // the verifier below says what is wrong with it
      }
    }
    const roots = credentials.filter((c): c is VerifiedCredential => c.kind === 'entitlement').map((c) => c.issuer)
    const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud
    let verdict: Verdict
    try {
      const result = await verifierFor(roots.length > 0 ? roots : [ANY_VERIFIER], typeof audience === 'string' ? audience : ANY_VERIFIER)
        .verifyPresentation(jwt, { challenge: typeof payload.nonce === 'string' ? payload.nonce : '' })
      verdict = result.ok ? { ok: true, trustChecked, statusChecked: result.statusChecked && credentials.some((c) => c.status.length > 0) } : refused(agentIdError(result.code, result.message), trustChecked)
    } catch (error) {
      verdict = refused(error, trustChecked)
    }
    return {
      kind: 'presentation',
      // VC 1.1: the signer is `iss`; VC 2.0: the presentation's `holder`.
      ...(typeof (payload.iss ?? payload.holder) === 'string' ? { holder: (payload.iss ?? payload.holder) as string } : {}),
      audience: payload.aud, challenge: payload.nonce,
      ...(typeof payload.iat === 'number' ? { issuedAt: iso(payload.iat)! } : {}), ...(typeof payload.exp === 'number' ? { expires: iso(payload.exp)! } : {}),
      credentials: credentials.map(credentialJson),
      verdict,
    }
  }
}

function popcount(byte: number): number {
  let n = 0
  for (let b = byte; b > 0; b >>= 1) n += b & 1
  return n
}

function verdictLine(v: Verdict): string {
  if (!v.ok) return `  verifier     refuses: ${v.code}: ${v.message}`
  const notes = [
    ...(v.trustChecked ? [] : ['issuer trust not checked (give --trust)']),
    ...(v.statusChecked ? [] : ['status not checked (give --status-list or --status-url)']),
  ]
  return `  verifier     accepts${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`
}

function credentialLines(c: ReturnType<typeof credentialJson>, now: number, indent = ''): string[] {
  return [
    `${indent}${c.type === 'entitlement' ? 'credential' : 'delegation'} ${c.id}`,
    `${indent}  issuer       ${c.issuer}`,
    `${indent}  subject      ${c.subject}`,
    `${indent}  valid        ${c.notBefore ? `${c.notBefore} to ${c.expires} (${lifetime(c.notBefore, c.expires)}; ` : `until ${c.expires} (`}${Date.parse(c.expires) > now ? `expires ${relativeTime(c.expires, now)}` : `expired ${relativeTime(c.expires, now)}`})`,
    ...c.entitlements.map((e, i) => `${indent}  ${i === 0 ? 'grants      ' : '            '} ${entitlementText(e as Parameters<typeof entitlementText>[0])}`),
    ...('parent' in c ? [`${indent}  parent       ${c.parent} (may delegate ${c.depth} further)`] : []),
    ...c.status.map((s) => `${indent}  status       ${s.purpose} #${s.index} at ${s.url}`),
  ]
}

function itemLines(item: Item, now: number): string[] {
  switch (item.kind) {
    case 'credential':
      return [...credentialLines(item.credential, now), verdictLine(item.verdict)]
    case 'chain':
      return [`delegation chain of ${item.links.length} credentials, root first`, ...item.links.flatMap((l) => credentialLines(l, now, '  ')), verdictLine(item.verdict)]
    case 'presentation':
      return [
        `presentation by ${item.holder ?? '?'}`,
        `  audience     ${String(item.audience)}`,
        `  challenge    ${String(item.challenge)}`,
        ...(item.expires ? [`  valid        ${item.issuedAt ? `${item.issuedAt} to ` : 'until '}${item.expires} (${relativeTime(item.expires, now)})`] : []),
        ...item.credentials.flatMap((c) => credentialLines(c, now, '  ')),
        verdictLine(item.verdict),
      ]
    case 'status-list':
      return [
        `status list ${item.url} (${item.purpose})`,
        `  issuer       ${item.issuer}`,
        `  entries      ${item.set} of ${item.entries} set`,
        `  published    ${item.issuedAt}${item.issuedAt !== '?' ? ` (${relativeTime(item.issuedAt, now)})` : ''}${item.expires ? `, valid until ${item.expires}` : ''}`,
        verdictLine({ ...item.verdict, statusChecked: true }),
      ]
    case 'other':
      return [
        `JWT of type ${item.types.join(', ') || '(none)'}${item.id ? ` ${item.id}` : ''}`,
        ...(item.issuer ? [`  issuer       ${item.issuer}`] : []),
        ...(item.subject ? [`  subject      ${item.subject}`] : []),
        ...(item.expires ? [`  expires      ${item.expires}`] : []),
        item.verdict.ok ? '  signature    verifies (agentid does not verify this type further)' : `  verifier     refuses: ${item.verdict.code}: ${item.verdict.message}`,
      ]
  }
}
