import { useState, useCallback } from 'preact/hooks'
import { get, post, query } from './api.js'
import { Confirm, Loading, Pager, Problem, Risk, When, holds, useLive, useLoad, useSession } from './ui.jsx'
import { duration, entitlement } from './words.js'

const PAGE = 20

function Entitlements({ items }) {
  return (
    <ul class="entitlements">
      {items.map((e, i) => <li key={i}>{entitlement(e)}</li>)}
    </ul>
  )
}

function Chain({ request }) {
  return (
    <ol class="chain" aria-label="Approval chain">
      {request.chain.map((role, i) => {
        const approval = request.approvals.find((a) => a.level === i + 1)
        const state = approval ? `${approval.decision === 'approve' ? 'approved' : 'denied'} by ${approval.principal}` : i === request.approvals.length ? 'waiting' : 'later'
        return <li key={i} data-state={approval ? approval.decision : i === request.approvals.length ? 'waiting' : 'later'}><strong>{role}</strong>: {state}{approval?.reason ? ` (“${approval.reason}”)` : ''}</li>
      })}
    </ol>
  )
}

// ---- My queue ------------------------------------------------------------------------------

export function Queue() {
  const session = useSession()
  const [offset, setOffset] = useState(0)
  const [confirm, setConfirm] = useState()
  const [state, reload] = useLoad(() => get(`/queue${query({ limit: PAGE, offset })}`), [offset])
  useLive(['requests', 'agents', 'policy', 'principals'], reload)
  const decide = (request, verb) => setConfirm({
    title: `${verb === 'approve' ? 'Approve' : 'Deny'} request for ${request.agent?.name ?? request.subject}?`,
    message: verb === 'approve'
      ? `You approve level ${request.approvals.length + 1} of ${request.chain.length} as ${request.next}.${request.approvals.length + 1 === request.chain.length ? ' This is the last level: the credential is issued at once.' : ''}`
      : 'One denial ends the request.',
    comment: 'optional',
    action: verb === 'approve' ? 'Approve' : 'Deny',
    danger: verb === 'deny',
    run: (comment) => post(`/requests/${encodeURIComponent(request.id)}/${verb}`, { role: request.next, ...(comment ? { reason: comment } : {}) }),
  })
  const data = state.data
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">My queue</h1>
      <p>Requests waiting for a decision in your role ({session.principal.roles.join(', ')}). The list updates when anyone decides.</p>
      <Loading state={state} />
      {data && data.requests.length === 0 && <p>Nothing is waiting for you.</p>}
      {data && data.requests.map((r) => (
        <article key={r.id} class="request" data-request={r.id} aria-labelledby={`req-${r.id}`}>
          <header>
            <h2 id={`req-${r.id}`}>{r.agent?.name ?? r.subject}</h2>
            <Risk level={r.risk} />
          </header>
          <dl>
            <dt>Agent</dt><dd><a href={`#/agents/${encodeURIComponent(r.subject)}`}>{r.agent?.name ?? 'unknown'}</a> ({r.agent?.kind}) <code>{r.subject}</code></dd>
            <dt>Owner</dt><dd>{r.agent?.owner}</dd>
            <dt>Asked by</dt><dd>{r.requester}</dd>
            <dt>Entitlements</dt><dd><Entitlements items={r.entitlements} /></dd>
            <dt>For</dt><dd>{duration(r.ttlSeconds)}{r.jit ? ' (just in time)' : ''}{r.task ? `, task ${r.task.id}${r.task.description ? `: ${r.task.description}` : ''}` : ''}</dd>
            <dt>Justification</dt><dd class="justification">{r.justification ?? 'none given'}</dd>
            <dt>Approval chain</dt><dd><Chain request={r} /></dd>
            <dt>Expires</dt><dd><When at={r.expiresAt} /></dd>
          </dl>
          {r.dutyConflict && <p class="conflict" role="note"><strong>Duty conflict:</strong> {r.dutyConflict}</p>}
          <footer>
            <button type="button" onClick={() => decide(r, 'approve')}>Approve</button>{' '}
            <button type="button" class="secondary" onClick={() => decide(r, 'deny')}>Deny</button>
          </footer>
        </article>
      ))}
      {data && <Pager label="Queue" total={data.total} limit={data.limit} offset={data.offset} onPage={setOffset} />}
      <Confirm request={confirm} onDone={() => { setConfirm(undefined); reload() }} />
    </section>
  )
}

// ---- Agents --------------------------------------------------------------------------------

export function Agents() {
  const [filters, setFilters] = useState({ q: '', kind: '', status: '', risk: '', owner: '', segment: '' })
  const [applied, setApplied] = useState(filters)
  const [offset, setOffset] = useState(0)
  const [state, reload] = useLoad(() => get(`/agents${query({ ...applied, limit: PAGE, offset })}`), [applied, offset])
  useLive(['agents'], reload)
  const field = (name) => ({ name, value: filters[name], onInput: (e) => setFilters({ ...filters, [name]: e.currentTarget.value }) })
  const submit = (e) => {
    e.preventDefault()
    setOffset(0)
    setApplied(filters)
  }
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Agents</h1>
      <form class="filters" onSubmit={submit} role="search" aria-label="Filter agents">
        <label>Name or DID<input type="search" {...field('q')} /></label>
        <label>Kind<select {...field('kind')}><option value="">any</option><option>company</option><option>employee</option><option>service</option><option>person</option></select></label>
        <label>Status<select {...field('status')}><option value="">any</option><option>active</option><option>suspended</option><option>retired</option></select></label>
        <label>Risk<select {...field('risk')}><option value="">any</option><option>low</option><option>medium</option><option>high</option><option>critical</option></select></label>
        <label>Owner<input {...field('owner')} /></label>
        <label>Segment<input {...field('segment')} /></label>
        <button type="submit">Filter</button>
      </form>
      <Loading state={state} />
      {state.data && (
        <>
          <table>
            <caption class="visually-hidden">Agents, page of {state.data.total}</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Owner</th><th scope="col">Segment</th><th scope="col">Status</th></tr></thead>
            <tbody>
              {state.data.agents.map((a) => (
                <tr key={a.did}>
                  <td><a href={`#/agents/${encodeURIComponent(a.did)}`}>{a.name}</a></td>
                  <td>{a.kind}</td><td>{a.owner}</td><td>{a.segment ?? ''}</td>
                  <td>{a.status === 'active' && a.suspendedAt ? 'suspended' : a.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Agents" total={state.data.total} limit={state.data.limit} offset={state.data.offset} onPage={setOffset} />
        </>
      )}
    </section>
  )
}

export function Agent({ did }) {
  const session = useSession()
  const responder = holds(session, 'admin', 'security')
  const [confirm, setConfirm] = useState()
  const [state, reload] = useLoad(async () => {
    const path = encodeURIComponent(did)
    const [detail, pending, alerts, decided] = await Promise.all([
      get(`/agents/${path}`),
      get(`/requests${query({ subject: did, status: 'pending', limit: 50 })}`),
      holds(session, 'admin', 'auditor', 'security') ? get(`/alerts${query({ subject: did, limit: 10 })}`) : Promise.resolve(undefined),
      get(`/requests${query({ subject: did, status: 'decided', limit: 10 })}`),
    ])
    return { ...detail, pending: pending.requests, alerts: alerts?.alerts, decided: decided.requests }
  }, [did])
  useLive(['agents', 'requests', 'alerts'], reload)
  const act = (title, message, action, path, danger = true) => setConfirm({ title, message, action, danger, comment: path.endsWith('/revoke') ? 'optional' : undefined, run: (comment) => post(path, path.endsWith('/revoke') && comment ? { reason: comment } : {}) })
  const data = state.data
  const path = encodeURIComponent(did)
  return (
    <section aria-labelledby="page-title">
      <p><a href="#/agents">← All agents</a></p>
      <Loading state={state} />
      {data && (
        <>
          <h1 id="page-title">{data.agent.name}</h1>
          <dl class="facts">
            <dt>DID</dt><dd><code>{data.agent.did}</code></dd>
            <dt>Kind</dt><dd>{data.agent.kind}</dd>
            <dt>Owner</dt><dd>{data.agent.owner}</dd>
            {data.agent.segment && <><dt>Segment</dt><dd>{data.agent.segment}</dd></>}
            <dt>Status</dt><dd data-agent-status>{data.agent.status === 'active' && data.agent.suspendedAt ? 'suspended' : data.agent.status}</dd>
          </dl>
          {responder && data.agent.status === 'active' && (
            <p class="actions">
              {data.agent.suspendedAt
                ? <button type="button" onClick={() => act(`Resume ${data.agent.name}?`, 'Its suspended credentials become valid again.', 'Resume', `/agents/${path}/resume`, false)}>Resume agent</button>
                : <button type="button" class="danger" onClick={() => act(`Suspend ${data.agent.name}?`, 'Every active credential of this agent is suspended at once; verifiers refuse them.', 'Suspend', `/agents/${path}/suspend`)}>Suspend agent</button>}{' '}
              {holds(session, 'admin') && <button type="button" class="secondary" onClick={() => act(`Retire ${data.agent.name}?`, 'The agent is retired for good and all its credentials are revoked.', 'Retire', `/agents/${path}/retire`)}>Retire agent</button>}
            </p>
          )}
          <h2>Credentials</h2>
          {data.credentials.length === 0 && <p>None.</p>}
          {data.credentials.map((c) => (
            <article key={c.id} class="credential" data-credential={c.id}>
              <header><code>{c.id}</code> <span class={`status status-${c.status}`}>{c.status}</span> <Risk level={c.risk} /></header>
              <Entitlements items={c.entitlements} />
              <p>Valid from <When at={c.notBefore} /> until <When at={c.expires} />{c.task ? `, task ${c.task.id}` : ''}{c.request ? `, from request ${c.request}` : ''}</p>
              {c.delegations?.length > 0 && (
                <details><summary>Delegations below it ({c.delegations.length})</summary>
                  <ul>{c.delegations.map((d) => <li key={d.id}>{d.delegator} → {d.delegate} (depth {d.depth}), until <When at={d.expires} /></li>)}</ul>
                </details>
              )}
              {responder && c.status !== 'revoked' && (
                <button type="button" class="secondary" onClick={() => act('Revoke this credential?', `${c.id} is revoked for good.`, 'Revoke', `/credentials/${encodeURIComponent(c.id)}/revoke`)}>Revoke credential</button>
              )}
            </article>
          ))}
          <h2>Pending requests</h2>
          {data.pending.length === 0 ? <p>None.</p> : <ul>{data.pending.map((r) => <li key={r.id}>{r.id}: <Risk level={r.risk} />, waiting for {r.next}; {r.entitlements.map(entitlement).join('; ')}</li>)}</ul>}
          <h2>Recent decisions</h2>
          {data.decided.length === 0 ? <p>None.</p> : <ul>{data.decided.map((r) => <li key={r.id}>{r.id}: {r.status} <When at={r.decidedAt} /></li>)}</ul>}
          {data.alerts && (
            <>
              <h2>Alerts</h2>
              {data.alerts.length === 0 ? <p>None.</p> : <ul>{data.alerts.map((a) => <li key={a.id}><span class={`severity severity-${a.severity}`}>{a.severity}</span> {a.kind} <When at={a.at} /></li>)}</ul>}
            </>
          )}
        </>
      )}
      <Confirm request={confirm} onDone={() => { setConfirm(undefined); reload() }} />
    </section>
  )
}

// ---- Reviews -------------------------------------------------------------------------------

export function Reviews() {
  const session = useSession()
  const reviewer = holds(session, 'admin', 'reviewer')
  const [offset, setOffset] = useState(0)
  const [open, setOpen] = useState()
  const [error, setError] = useState()
  const [state, reload] = useLoad(() => get(`/reviews${query({ limit: PAGE, offset })}`), [offset])
  useLive(['reviews'], reload)
  const start = async () => {
    setError(undefined)
    try {
      const campaign = await post('/reviews', {})
      setOpen(campaign.id)
      reload()
    } catch (e) {
      setError(e)
    }
  }
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Reviews</h1>
      {reviewer && <p><button type="button" onClick={start}>Start a review of the credentials due</button></p>}
      <Problem error={error} />
      <Loading state={state} />
      {state.data && (
        <>
          <table>
            <caption class="visually-hidden">Review campaigns</caption>
            <thead><tr><th scope="col">Campaign</th><th scope="col">Status</th><th scope="col">Deadline</th><th scope="col">Progress</th></tr></thead>
            <tbody>
              {state.data.reviews.map((c) => (
                <tr key={c.id}>
                  <td><button type="button" class="link" aria-expanded={open === c.id ? 'true' : 'false'} onClick={() => setOpen(open === c.id ? undefined : c.id)}>{c.name}</button></td>
                  <td>{c.status}</td><td><When at={c.deadline} /></td>
                  <td><progress value={c.progress.decided} max={c.progress.total || 1} aria-label={`${c.name} progress`} /> {c.progress.decided} of {c.progress.total} decided ({c.progress.revoked} revoked)</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Campaigns" total={state.data.total} limit={state.data.limit} offset={state.data.offset} onPage={setOffset} />
        </>
      )}
      {open && <ReviewItems id={open} reviewer={reviewer} />}
    </section>
  )
}

function ReviewItems({ id, reviewer }) {
  const [offset, setOffset] = useState(0)
  const [confirm, setConfirm] = useState()
  const [state, reload] = useLoad(() => get(`/reviews/${encodeURIComponent(id)}/items${query({ limit: PAGE, offset })}`), [id, offset])
  useLive(['reviews', 'agents'], reload)
  const decide = (item, verb) => setConfirm({
    title: verb === 'certify' ? 'Certify this access?' : 'Revoke this access?',
    message: verb === 'certify' ? `${item.agent?.name ?? 'The agent'} keeps this credential.` : `${item.agent?.name ?? 'The agent'} loses this credential at once.`,
    action: verb === 'certify' ? 'Certify' : 'Revoke', danger: verb === 'revoke',
    run: () => post(`/reviews/items/${encodeURIComponent(item.id)}/${verb}`),
  })
  const data = state.data
  return (
    <section aria-labelledby="items-title">
      <h2 id="items-title">Items of {data?.campaign.name ?? id}</h2>
      <Loading state={state} />
      {data && (
        <>
          <table>
            <caption class="visually-hidden">Review items</caption>
            <thead><tr><th scope="col">Agent</th><th scope="col">Access</th><th scope="col">Risk</th><th scope="col">Decision</th></tr></thead>
            <tbody>
              {data.items.map((i) => (
                <tr key={i.id} data-item={i.id}>
                  <td>{i.agent ? <a href={`#/agents/${encodeURIComponent(i.agent.did)}`}>{i.agent.name}</a> : i.credential}</td>
                  <td>{i.credentialRecord ? i.credentialRecord.entitlements.map(entitlement).join('; ') : i.credential}</td>
                  <td><Risk level={i.risk} /></td>
                  <td>
                    {i.decision ? `${i.decision} by ${i.reviewer}` : reviewer ? (
                      <>
                        <button type="button" onClick={() => decide(i, 'certify')}>Certify</button>{' '}
                        <button type="button" class="secondary" onClick={() => decide(i, 'revoke')}>Revoke</button>
                      </>
                    ) : 'open'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Items" total={data.total} limit={data.limit} offset={data.offset} onPage={setOffset} />
        </>
      )}
      <Confirm request={confirm} onDone={() => { setConfirm(undefined); reload() }} />
    </section>
  )
}

// ---- Alerts --------------------------------------------------------------------------------

export function Alerts() {
  const session = useSession()
  const responder = holds(session, 'admin', 'security')
  const [severity, setSeverity] = useState('')
  const [offset, setOffset] = useState(0)
  const [confirm, setConfirm] = useState()
  const [state, reload] = useLoad(() => get(`/alerts${query({ severity, limit: PAGE, offset })}`), [severity, offset])
  useLive(['alerts', 'agents'], reload)
  const acknowledge = (a) => setConfirm({ title: `Acknowledge alert ${a.id}?`, message: `${a.kind} (${a.severity})`, action: 'Acknowledge', comment: 'optional', run: (note) => post(`/alerts/${a.id}/acknowledge`, note ? { note } : {}) })
  // A verdict on an anomaly goes through the same path as the API and the CLI (`POST
  // /alerts/{id}/feedback`): benign teaches monitoring what the alert was about. Giving one is
  // seeing the alert, so it is acknowledged too.
  const verdict = (a, v) => setConfirm({
    title: v === 'benign' ? `Alert ${a.id} is benign?` : `Alert ${a.id} is a real incident?`,
    message: v === 'benign' ? `Monitoring learns what this ${a.kind} was about (the family, network, hour or level) and stops alerting on it. Once per alert; audited.` : `Recorded as confirmed (once per alert; audited).`,
    action: v === 'benign' ? 'Benign: teach monitoring' : 'Confirmed', comment: 'optional',
    run: async (note) => {
      await post(`/alerts/${a.id}/feedback`, { verdict: v, ...(note ? { note } : {}) })
      if (!a.acknowledged) await post(`/alerts/${a.id}/acknowledge`, note ? { note } : {})
    },
  })
  const suspend = (a) => setConfirm({ title: 'Suspend this agent?', message: `Every active credential of ${a.subject} is suspended at once; verifiers refuse them.`, action: 'Suspend', danger: true, run: () => post(`/agents/${encodeURIComponent(a.subject)}/suspend`) })
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Alerts</h1>
      <label class="inline">Severity
        <select value={severity} onChange={(e) => { setOffset(0); setSeverity(e.currentTarget.value) }}>
          <option value="">any</option><option>critical</option><option>high</option><option>medium</option><option>low</option>
        </select>
      </label>
      <Loading state={state} />
      {state.data && state.data.alerts.length === 0 && <p>No alerts.</p>}
      {state.data && state.data.alerts.map((a) => (
        <article key={a.id} class="alert" data-alert={a.id} aria-labelledby={`alert-${a.id}`}>
          <header>
            <h2 id={`alert-${a.id}`}><span class={`severity severity-${a.severity}`}>{a.severity}</span> {a.kind}</h2>
            <When at={a.at} />
          </header>
          {a.subject && <p>About <a href={`#/agents/${encodeURIComponent(a.subject)}`}><code>{a.subject}</code></a></p>}
          {a.details?.containment && <p><strong>Containment:</strong> {String(a.details.containment)}</p>}
          <details><summary>Evidence</summary><pre>{JSON.stringify(a.details, null, 2)}</pre></details>
          <footer>
            {a.acknowledged ? <span>Acknowledged by {a.acknowledged.by} <When at={a.acknowledged.at} /></span> : responder && <button type="button" class="secondary" onClick={() => acknowledge(a)}>Acknowledge</button>}{' '}
            {responder && a.kind.startsWith('anomaly.') && <><button type="button" class="secondary" onClick={() => verdict(a, 'benign')}>Benign: teach monitoring</button>{' '}<button type="button" class="secondary" onClick={() => verdict(a, 'confirmed')}>Confirmed</button>{' '}</>}
            {responder && a.subject?.startsWith('did:key:') && <button type="button" class="danger" onClick={() => suspend(a)}>Suspend agent</button>}
          </footer>
        </article>
      ))}
      {state.data && <Pager label="Alerts" total={state.data.total} limit={state.data.limit} offset={state.data.offset} onPage={setOffset} />}
      <Confirm request={confirm} onDone={() => { setConfirm(undefined); reload() }} />
    </section>
  )
}

// ---- Audit ---------------------------------------------------------------------------------

export function Audit() {
  const [filters, setFilters] = useState({ actor: '', action: '', target: '' })
  const [applied, setApplied] = useState(filters)
  const [pages, setPages] = useState([undefined])
  const before = pages.at(-1)
  const [state, reload] = useLoad(() => get(`/audit/search${query({ ...applied, before, limit: PAGE })}`), [applied, before])
  const [chain, reloadChain] = useLoad(() => get('/audit/state'), [])
  const refresh = useCallback(() => { if (pages.length === 1) reload(); reloadChain() }, [pages.length, reload, reloadChain])
  useLive(['requests', 'agents', 'alerts', 'reviews', 'policy', 'principals'], refresh)
  const field = (name) => ({ name, value: filters[name], onInput: (e) => setFilters({ ...filters, [name]: e.currentTarget.value }) })
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Audit</h1>
      {chain.data && (
        <dl class="facts" aria-label="Audit chain">
          <dt>Chain</dt><dd data-chain={chain.data.chain.ok ? 'ok' : 'not-ok'}>{chain.data.chain.ok ? 'verified: every entry links to the one before' : chain.data.chain.detail}</dd>
          <dt>Entries</dt><dd>{chain.data.entries}</dd>
          <dt>Latest signed checkpoint</dt><dd>{chain.data.lastCheckpoint ? <>entry {chain.data.lastCheckpoint.seq}, <When at={chain.data.lastCheckpoint.at} />, head <code>{chain.data.lastCheckpoint.head.slice(0, 16)}…</code></> : 'none yet'}</dd>
        </dl>
      )}
      <p><a href="/audit/export" download="agentid-audit.jsonl" role="button" class="secondary">Export the log (JSON Lines)</a></p>
      <form class="filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => { e.preventDefault(); setPages([undefined]); setApplied(filters) }}>
        <label>Actor<input {...field('actor')} /></label>
        <label>Action (prefix)<input {...field('action')} placeholder="request." /></label>
        <label>Target<input {...field('target')} /></label>
        <button type="submit">Filter</button>
      </form>
      <Loading state={state} />
      {state.data && (
        <>
          <table>
            <caption class="visually-hidden">Audit entries, newest first</caption>
            <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th></tr></thead>
            <tbody>
              {state.data.entries.map((e) => <tr key={e.seq}><td>{e.seq}</td><td><When at={e.at} /></td><td>{e.actor}</td><td>{e.action}</td><td><code>{e.target ?? ''}</code></td></tr>)}
            </tbody>
          </table>
          <nav aria-label="Audit pages" class="pager">
            <button type="button" class="secondary" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>Newer</button>
            <button type="button" class="secondary" disabled={state.data.next === undefined} onClick={() => setPages([...pages, state.data.next])}>Older</button>
          </nav>
        </>
      )}
    </section>
  )
}

// ---- Policy --------------------------------------------------------------------------------

export function Policy() {
  const [offset, setOffset] = useState(0)
  const [current, reloadCurrent] = useLoad(() => get('/policy'), [])
  const [history, reloadHistory] = useLoad(() => get(`/policy/history${query({ limit: PAGE, offset })}`), [offset])
  useLive(['policy'], useCallback(() => { reloadCurrent(); reloadHistory() }, [reloadCurrent, reloadHistory]))
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Policy</h1>
      <p>Edit the policy with <code>agentid policy set</code>; this page shows it.</p>
      <Loading state={current} />
      {current.data && (
        <>
          <h2>In force: version {current.data.version}</h2>
          <dl class="facts">
            <dt>Approver roles</dt><dd>{(current.data.policy.approverRoles ?? []).join(', ')}</dd>
          </dl>
          <details open><summary>The whole policy</summary><pre tabIndex={0}>{JSON.stringify(current.data.policy, null, 2)}</pre></details>
        </>
      )}
      <h2>History</h2>
      <Loading state={history} />
      {history.data && (
        <>
          <table>
            <caption class="visually-hidden">Policy versions, newest first</caption>
            <thead><tr><th scope="col">Version</th><th scope="col">Set by</th><th scope="col">When</th><th scope="col">Document</th></tr></thead>
            <tbody>{history.data.versions.map((v) => (
              <tr key={v.version}><td>{v.version}</td><td>{v.createdBy}</td><td><When at={v.createdAt} /></td>
                <td><details><summary>Version {v.version}</summary><pre tabIndex={0}>{JSON.stringify(v.policy, null, 2)}</pre></details></td></tr>
            ))}</tbody>
          </table>
          <Pager label="Versions" total={history.data.total} limit={history.data.limit} offset={history.data.offset} onPage={setOffset} />
        </>
      )}
    </section>
  )
}
