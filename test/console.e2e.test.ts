import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import { generateAgentKey } from '@agentid/agent'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startTestService, type TestService } from './support/service.js'
import { startVerifierProcess, until, type VerifierProcess } from './support/verifier-process.js'

// The web console in a real browser: Debian's Chromium driven by playwright-core, against a real
// issuer service on 127.0.0.1. Every wait is on a selector, a stream event or an answer; none on
// the clock. Screenshots of each page go to docs/console/ with AGENTID_SCREENSHOTS=1 (docs/console.md shows them).

const CHROMIUM = process.env.AGENTID_CHROMIUM ?? '/usr/bin/chromium'
// A run writes the screenshots docs/console.md shows only when asked (AGENTID_SCREENSHOTS=1, after
// a change of the console): they carry fresh DIDs and times, and a test run must not rewrite
// committed files. Otherwise they go to a temporary folder, taken all the same.
const SHOTS = process.env.AGENTID_SCREENSHOTS === '1' ? new URL('../docs/console/', import.meta.url) : pathToFileURL(`${mkdtempSync(join(tmpdir(), 'agentid-console-shots-'))}/`)
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-quic']
const XSS = '<img src=x onerror="window.__xss=1">'
const SCRIPT = '<script>window.__xss=2</script>'
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source

describe('web console in Chromium', function () {
  this.timeout(120_000)
  let browser: Browser
  let t: TestService
  let verifier: VerifierProcess | undefined
  const contexts: BrowserContext[] = []
  const timings: Record<string, number> = {}
  // Uncaught exceptions and Content-Security-Policy violations on any page: there must be none.
  const pageProblems: string[] = []
  const watch = (page: Page) => {
    page.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageProblems.push(message.text())
    })
  }
  let started = 0

  before(async function () {
    started = Date.now()
    if (!existsSync(CHROMIUM)) {
      console.log(`      skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`)
      return this.skip()
    }
    const { chromium } = await import('playwright-core')
    t = await startTestService()
    if ((await fetch(`${t.url}/console`)).status !== 200) throw new Error('the console is not built: run npm run build')
    await t.service.auditChecked
    // Playwright gives each launch a fresh, empty profile directory of its own (--user-data-dir).
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
    mkdirSync(SHOTS, { recursive: true })
  })
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    verifier?.stop()
    await t?.close()
    if (browser) console.log(`      browser tests took ${((Date.now() - started) / 1000).toFixed(1)} s`, JSON.stringify(timings))
  })

  /** A new browser context (its own cookies) signed in with this token, by the keyboard. */
  async function signedIn(token: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, reducedMotion: 'reduce' })
    contexts.push(context)
    const page = await context.newPage()
    watch(page)
    page.on('dialog', (d) => {
      throw new Error(`a script ran: ${d.message()}`)
    })
    await page.goto(`${t.url}/console`)
    await page.locator('input[name=token]').waitFor()
    await page.keyboard.press('Tab')
    await page.keyboard.type(token)
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    // The token is in no storage the page can read.
    const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie')
    assert.ok(!stored.includes(token.slice(4)), 'the token is not kept by the browser')
    return page
  }

  async function open(page: Page, hash: string, heading: string): Promise<void> {
    await page.goto(`${t.url}/console#/${hash}`)
    await page.getByRole('heading', { level: 1, name: heading }).waitFor()
    await page.waitForSelector('[aria-busy="true"]', { state: 'detached' })
  }

  async function accessible(page: Page, name: string): Promise<void> {
    await page.evaluate(axeSource)
    // Page script as strings: the tests compile without the DOM's types.
    const result = await page.evaluate<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }>("axe.run(document, { resultTypes: ['violations'] })")
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    assert.deepEqual(serious.map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`), [], `axe on ${name}`)
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, animations: 'disabled' })
  }

  async function inert(page: Page): Promise<void> {
    assert.equal(await page.evaluate('window.__xss'), undefined, 'no injected script ran')
    assert.equal(await page.locator('main img').count(), 0, 'no injected element')
  }

  /** Opens the confirmation, then confirms it, by the keyboard. */
  async function confirmWithKeyboard(page: Page): Promise<void> {
    const dialog = page.locator('dialog[open]')
    await dialog.waitFor()
    for (let i = 0; i < 6 && !(await page.evaluate<boolean>("document.activeElement?.hasAttribute('data-confirm') ?? false")); i++) await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' }).catch(async () => page.locator('dialog[open]').waitFor({ state: 'hidden' }))
  }

  let requestId: string
  let payBot: ReturnType<typeof generateAgentKey>

  it('sign-in page: accessible, and the token goes only into the login exchange', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 600 } })
    contexts.push(context)
    const page = await context.newPage()
    watch(page)
    await page.goto(`${t.url}/console`)
    await page.locator('input[name=token]').waitFor()
    await accessible(page, 'sign-in')
    await shot(page, 'sign-in')
    await page.fill('input[name=token]', 'aid_wrong')
    await page.keyboard.press('Enter')
    await page.getByRole('alert').waitFor()
    assert.match(await page.getByRole('alert').innerText(), /ERR_UNAUTHORIZED/)
  })

  it('three principals in three browsers approve a critical request level by level, live, ending in an issued credential', async () => {
    payBot = generateAgentKey()
    // An agent name cannot carry markup: the API refuses it before any page could show it.
    const hostile = await t.call(t.tokens.admin, 'POST', '/agents', { did: generateAgentKey().did, name: XSS, kind: 'service', owner: 'finance' })
    assert.equal(hostile.status, 400)
    assert.equal(hostile.body.error.code, 'ERR_INPUT_INVALID')
    assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', { did: payBot.did, name: 'pay-bot', kind: 'service', owner: 'finance', segment: 'finance' })).status, 201)
    const filed = await t.call(t.tokens.admin, 'POST', '/requests', {
      subject: payBot.did, ttl: '1h', justification: `${SCRIPT} quarter close ${XSS}`,
      task: { id: 'close-q4', description: XSS },
      entitlements: [{ resource: 'payments:transfers', actions: ['execute'], purpose: 'quarter-close', constraints: { maxRecords: 50 } }],
    })
    assert.equal(filed.status, 202, JSON.stringify(filed.body))
    requestId = filed.body.request.id
    assert.deepEqual(filed.body.request.chain, ['ai-ops', 'security', 'compliance'])

    const [olga, sam, carla] = [await signedIn(t.tokens['ai-ops']), await signedIn(t.tokens.security), await signedIn(t.tokens.compliance)]
    for (const page of [olga, sam, carla]) await open(page, 'queue', 'My queue')
    const card = (page: Page) => page.locator(`article[data-request="${requestId}"]`)
    await card(olga).waitFor()
    assert.equal(await card(sam).count(), 0, 'level 2 waits for level 1')
    assert.equal(await card(carla).count(), 0)
    const text = await card(olga).innerText()
    assert.match(text, /May execute payments:transfers, for the purpose “quarter-close”; at most 50 records per request/)
    assert.match(text, /critical risk/)
    assert.ok(text.includes(SCRIPT), 'the justification is shown as text')
    await inert(olga)
    await accessible(olga, 'queue')
    await shot(olga, 'queue')

    const started1 = Date.now()
    await card(olga).getByRole('button', { name: 'Approve' }).click()
    await confirmWithKeyboard(olga)
    // The next approver's page hears of it over the event stream and shows the request.
    await card(sam).waitFor()
    timings.liveUpdateMs = Date.now() - started1
    await card(olga).waitFor({ state: 'detached' })
    assert.match(await card(sam).innerText(), /ai-ops: approved by olga/)
    await card(sam).getByRole('button', { name: 'Approve' }).click()
    await confirmWithKeyboard(sam)
    await card(carla).waitFor()
    // Keyboard only: Tab to the Approve button, Enter, then confirm.
    await carla.locator('body').focus()
    for (let i = 0; i < 60 && (await carla.evaluate<string>('document.activeElement?.textContent')) !== 'Approve'; i++) await carla.keyboard.press('Tab')
    assert.equal(await carla.evaluate<string>('document.activeElement?.textContent'), 'Approve', 'the Approve button is reachable by Tab')
    await carla.keyboard.press('Enter')
    await confirmWithKeyboard(carla)
    await card(carla).waitFor({ state: 'detached' })
    const decided = await t.call(t.tokens.auditor, 'GET', `/requests/${requestId}`)
    assert.equal(decided.body.status, 'issued')
    assert.deepEqual(decided.body.approvals.map((a: { principal: string }) => a.principal), ['olga', 'sam', 'carla'])
    const credential = await t.call(t.tokens.auditor, 'GET', `/credentials/${encodeURIComponent(decided.body.credential)}`)
    assert.equal(credential.body.status, 'active')
  })

  it('a reviewer revokes an item of a campaign', async () => {
    const campaign = await t.call(t.tokens.admin, 'POST', '/reviews', { all: true, name: 'q4-access' })
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body))
    const item = campaign.body.items[0]
    const rita = await signedIn(t.tokens.reviewer)
    await open(rita, 'reviews', 'Reviews')
    await rita.getByRole('button', { name: 'q4-access' }).click()
    const row = rita.locator(`tr[data-item="${item.id}"]`)
    await row.waitFor()
    await accessible(rita, 'reviews')
    await shot(rita, 'reviews')
    await row.getByRole('button', { name: 'Revoke' }).click()
    await confirmWithKeyboard(rita)
    await row.getByText('revoked by rita').waitFor()
    await rita.getByText('1 of 1 decided (1 revoked)').waitFor()
    assert.equal((await t.call(t.tokens.auditor, 'GET', `/credentials/${encodeURIComponent(item.credential)}`)).body.status, 'revoked')
  })

  it('a responder suspends an agent from its alert, and a verifier refuses the agent', async () => {
    const bot = generateAgentKey()
    assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', { did: bot.did, name: 'crm-bot', kind: 'service', owner: 'sales', segment: 'crm' })).status, 201)
    const granted = await t.call(t.tokens.admin, 'POST', '/requests', { subject: bot.did, ttl: '1h', entitlements: [{ resource: 'db:customers', actions: ['read'] }] })
    assert.equal(granted.status, 201, JSON.stringify(granted.body))
    verifier = await startVerifierProcess({ did: generateAgentKey().did, issuer: t.issuer.did, origin: t.url, maxAge: 300, refreshAfter: 300, events: `${t.url}/status/events` })
    assert.equal(await verifier.verify(bot, [granted.body.credential.jwt]), 'ok')
    // A reporter's evidence, as monitoring records it; its strings come from outside.
    const [alert] = await t.issuer.store.addAlerts([{ at: Date.now(), kind: 'anomaly.denial-burst', severity: 'high', subject: bot.did, details: { reporter: 'crm-service', denials: 20, resource: XSS, containment: 'awaiting corroboration' } }])
    const sam = await signedIn(t.tokens.security)
    await open(sam, 'alerts', 'Alerts')
    const card = sam.locator(`article[data-alert="${alert!.id}"]`)
    await card.waitFor()
    await card.locator('summary').click()
    assert.ok((await card.innerText()).includes('<img src=x onerror='), 'the evidence is shown as text')
    await inert(sam)
    await accessible(sam, 'alerts')
    await shot(sam, 'alerts')
    const suspendedAt = Date.now()
    await card.getByRole('button', { name: 'Suspend agent' }).click()
    await confirmWithKeyboard(sam)
    // A generous bound: the push is event-driven, the bound only catches a verifier that never hears.
    timings.verifierRefusesMs = await until(() => verifier!.verify(bot, [granted.body.credential.jwt]), 'ERR_VC_SUSPENDED', 60_000)
    timings.suspendToRefusalMs = Date.now() - suspendedAt
    await card.getByRole('button', { name: 'Acknowledge' }).click()
    await confirmWithKeyboard(sam)
    await card.getByText('Acknowledged by sam').waitFor()
    await open(sam, `agents/${encodeURIComponent(bot.did)}`, 'crm-bot')
    assert.equal(await sam.locator('[data-agent-status]').innerText(), 'suspended')
    await sam.getByRole('button', { name: 'Resume agent' }).waitFor()
    await accessible(sam, 'agent')
    await shot(sam, 'agent')
  })

  it('a principal without the role sees no approve or suspend button, and its forged calls get 403', async () => {
    // The queue is empty for an auditor: it is not even in its menu; what it may read has no buttons.
    const pending = await t.call(t.tokens.admin, 'POST', '/requests', { subject: payBot.did, ttl: '1h', entitlements: [{ resource: 'payments:refunds', actions: ['execute'] }] })
    assert.equal(pending.status, 202)
    const aude = await signedIn(t.tokens.auditor)
    assert.equal(await aude.getByRole('link', { name: 'My queue' }).count(), 0)
    await open(aude, `agents/${encodeURIComponent(payBot.did)}`, 'pay-bot')
    await aude.getByText(`${pending.body.request.id}:`).waitFor()
    assert.equal(await aude.getByRole('button', { name: /Approve|Suspend|Retire|Revoke/ }).count(), 0)
    // Run as page script (a string: the test's compiled helpers do not exist in the page).
    const forged = await aude.evaluate(`(async () => {
      const { csrf } = await (await fetch('/console/session')).json()
      const out = []
      for (const path of ${JSON.stringify([`/requests/${pending.body.request.id}/approve`, `/agents/${encodeURIComponent(payBot.did)}/suspend`])}) {
        const r = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' })
        out.push([r.status, (await r.json()).error?.code])
      }
      return out
    })()`)
    assert.deepEqual(forged, [[403, 'ERR_FORBIDDEN'], [403, 'ERR_FORBIDDEN']])
    assert.equal((await t.call(t.tokens.auditor, 'GET', `/requests/${pending.body.request.id}`)).body.approvals.length, 0)
    await open(aude, 'agents', 'Agents')
    await aude.getByRole('link', { name: 'pay-bot' }).waitFor()
    await accessible(aude, 'agents')
    await shot(aude, 'agents')
    await open(aude, 'audit', 'Audit')
    await aude.locator('[data-chain="ok"]').waitFor()
    await aude.locator('tbody tr').first().waitFor()
    await accessible(aude, 'audit')
    await shot(aude, 'audit')
    await open(aude, 'policy', 'Policy')
    await aude.getByRole('heading', { name: /In force: version/ }).waitFor()
    await accessible(aude, 'policy')
    await shot(aude, 'policy')
  })

  it("a cross-site form post rides the session cookie but changes nothing (ERR_CSRF); a disabled principal's console signs out; sign-out ends the cookie", async () => {
    const sam = await signedIn(t.tokens.security)
    const victim = generateAgentKey()
    assert.equal((await t.call(t.tokens.admin, 'POST', '/agents', { did: victim.did, name: 'victim-bot', kind: 'service', owner: 'ops' })).status, 201)
    // Another origin on the same host (another port: the same site, so SameSite does not stop
    // the cookie; the CSRF check must).
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<form method="POST" action="${t.url}/agents/${victim.did}/suspend" enctype="text/plain"><input name='{"a":"' value='"}'><button>win a prize</button></form>`)
    })
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
    try {
      await sam.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`)
      await Promise.all([sam.waitForURL(`${t.url}/agents/**`), sam.getByRole('button', { name: 'win a prize' }).click()])
      const answer = JSON.parse(await sam.locator('body').innerText()) as { error: { code: string } }
      assert.equal(answer.error.code, 'ERR_CSRF')
      assert.equal((await t.call(t.tokens.auditor, 'GET', `/agents/${victim.did}`)).body.agent.suspendedAt, undefined)
    } finally {
      await new Promise((resolve) => evil.close(resolve))
    }
    // A principal disabled while its console is open is back at the sign-in at its next request
    // (here the audit page's own refresh, on the change event the disabling sends).
    const created = await t.call(t.tokens.admin, 'POST', '/principals', { id: 'temp-auditor', roles: ['auditor'] })
    const temp = await signedIn(created.body.token)
    await open(temp, 'audit', 'Audit')
    await t.call(t.tokens.admin, 'POST', '/principals/temp-auditor/disable', {})
    await temp.locator('input[name=token]').waitFor()
    await open(sam, 'alerts', 'Alerts')
    await sam.getByRole('button', { name: 'Sign out' }).click()
    await sam.locator('input[name=token]').waitFor()
    const after = await sam.evaluate<number>("fetch('/audit/state').then((r) => r.status)")
    assert.equal(after, 401)
  })

  it('no page threw or broke its Content-Security-Policy', () => {
    assert.deepEqual(pageProblems, [])
  })
})
