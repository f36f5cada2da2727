import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import '@picocss/pico/css/pico.min.css'
import './console.css'
import { session as currentSession, signIn, signOut, whenSignedOut } from './api.js'
import { Session, Problem, holds, startEvents, stopEvents } from './ui.jsx'
import { Agent, Agents, Alerts, Audit, Policy, Queue, Reviews } from './pages.jsx'

const READERS = ['admin', 'auditor', 'reviewer', 'security', 'agent-owner']

/** The pages a principal may open, by its roles (the API checks them again on every call). */
function pagesFor(s) {
  const approver = s.approverRoles.some((r) => s.principal.roles.includes(r))
  const reader = approver || holds(s, ...READERS)
  return [
    approver && { path: 'queue', title: 'My queue', view: Queue },
    reader && { path: 'agents', title: 'Agents', view: Agents },
    holds(s, 'admin', 'reviewer', 'auditor') && { path: 'reviews', title: 'Reviews', view: Reviews },
    holds(s, 'admin', 'auditor', 'security') && { path: 'alerts', title: 'Alerts', view: Alerts },
    holds(s, 'admin', 'auditor') && { path: 'audit', title: 'Audit', view: Audit },
    reader && { path: 'policy', title: 'Policy', view: Policy },
  ].filter(Boolean)
}

function useHash() {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    const on = () => setHash(location.hash)
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return hash.replace(/^#\/?/, '')
}

function SignIn({ onSignedIn }) {
  const [token, setToken] = useState('')
  const [error, setError] = useState()
  const [busy, setBusy] = useState(false)
  const submit = async (e) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      onSignedIn(await signIn(token.trim()))
    } catch (err) {
      setError(err)
    } finally {
      setToken('')
      setBusy(false)
    }
  }
  return (
    <main class="container signin">
      <article>
        <h1>agentid console</h1>
        <form onSubmit={submit}>
          <label>Principal token
            <input type="password" name="token" autocomplete="off" required value={token} onInput={(e) => setToken(e.currentTarget.value)} aria-describedby="token-help" />
          </label>
          <small id="token-help">Your token (aid_…) is exchanged for a session cookie; the browser does not keep it.</small>
          <Problem error={error} />
          <button type="submit" aria-busy={busy ? 'true' : undefined}>Sign in</button>
        </form>
      </article>
    </main>
  )
}

function App() {
  const [s, setS] = useState()
  const [checked, setChecked] = useState(false)
  const route = useHash()
  useEffect(() => {
    whenSignedOut(() => setS(undefined))
    currentSession().then((found) => { setS(found); setChecked(true) }, () => setChecked(true))
  }, [])
  useEffect(() => {
    if (s) startEvents()
    else stopEvents()
  }, [s])
  // Focus moves to the page's heading when the page changes (keyboard and screen-reader users).
  useEffect(() => {
    document.getElementById('page-title')?.focus()
  }, [route])
  if (!checked) return <main class="container" aria-busy="true">Loading…</main>
  if (!s) return <SignIn onSignedIn={setS} />
  const pages = pagesFor(s)
  const [first, ...rest] = route.split('/')
  const page = pages.find((p) => p.path === first) ?? pages[0]
  const out = async () => {
    await signOut().catch(() => undefined)
    setS(undefined)
    location.hash = ''
  }
  let view
  if (!page) view = <p>Your roles open no page of this console.</p>
  else if (page.path === 'agents' && rest.length > 0) view = <Agent did={decodeURIComponent(rest.join('/'))} />
  else {
    const View = page.view
    view = <View />
  }
  return (
    <Session.Provider value={s}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main').focus() }}>Skip to content</a>
      <header class="container">
        <nav aria-label="Console">
          <ul><li><strong>agentid</strong></li></ul>
          <ul>
            {pages.map((p) => <li key={p.path}><a href={`#/${p.path}`} aria-current={p === page ? 'page' : undefined}>{p.title}</a></li>)}
          </ul>
          <ul>
            <li><span class="who">{s.principal.id} ({s.principal.roles.join(', ')})</span></li>
            <li><button type="button" class="secondary outline" onClick={out}>Sign out</button></li>
          </ul>
        </nav>
      </header>
      <main id="main" class="container" tabIndex={-1}>{view}</main>
    </Session.Provider>
  )
}

render(<App />, document.getElementById('app'))
