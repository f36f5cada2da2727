import { useEffect, useRef, useState, useCallback } from 'preact/hooks'
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'

/** The signed-in principal and what it may do. */
export const Session = createContext(undefined)
export const useSession = () => useContext(Session)

/** Live change notices from GET /console/events: one EventSource for the whole app. */
const listeners = new Set()
let source
export function startEvents() {
  if (source) return
  source = new EventSource('/console/events')
  source.addEventListener('change', (event) => {
    let topic
    try {
      topic = JSON.parse(event.data).topic
    } catch {
      return
    }
    for (const listener of listeners) listener(topic)
  })
  source.addEventListener('ready', () => document.documentElement.setAttribute('data-live', 'yes'))
}
export function stopEvents() {
  source?.close()
  source = undefined
  document.documentElement.removeAttribute('data-live')
}

/** Runs `reload` whenever one of `topics` changes. */
export function useLive(topics, reload) {
  useEffect(() => {
    const listener = (topic) => {
      if (topics.includes(topic)) reload()
    }
    listeners.add(listener)
    return () => listeners.delete(listener)
  }, [topics.join(), reload])
}

/** Loads with `load()` at first and again on `reload()`; keeps the last error. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ loading: true })
  const generation = useRef(0)
  const run = useCallback(() => {
    const mine = ++generation.current
    load().then(
      (data) => mine === generation.current && setState({ data }),
      (error) => mine === generation.current && setState({ error }),
    )
  }, deps)
  useEffect(run, [run])
  return [state, run]
}

export function Problem({ error }) {
  if (!error) return null
  return <p role="alert" class="problem"><strong>{error.code ?? 'Error'}</strong>: {error.message}</p>
}

export function Loading({ state }) {
  if (state.error) return <Problem error={state.error} />
  if (state.loading) return <p aria-busy="true">Loading…</p>
  return null
}

/**
 * A decision confirmed in a modal dialog (the browser's own <dialog>: focus stays inside,
 * Escape cancels), with an optional comment.
 */
export function Confirm({ request, onDone }) {
  const dialog = useRef()
  const [comment, setComment] = useState('')
  const [error, setError] = useState()
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (request && !dialog.current.open) {
      setComment('')
      setError(undefined)
      dialog.current.showModal()
    }
  }, [request])
  if (!request) return <dialog ref={dialog} />
  // Closing fires the dialog's close event, which reports it (Escape does the same).
  const close = () => dialog.current.close()
  const confirm = async (event) => {
    event.preventDefault()
    setBusy(true)
    try {
      await request.run(comment)
      close()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <dialog ref={dialog} aria-labelledby="confirm-title" onClose={() => onDone()}>
      <article>
        <form onSubmit={confirm}>
          <h2 id="confirm-title">{request.title}</h2>
          <p>{request.message}</p>
          {request.comment && (
            <label>
              Comment {request.comment === 'optional' ? '(optional)' : ''}
              <textarea name="comment" maxLength={512} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
            </label>
          )}
          <Problem error={error} />
          <footer>
            <button type="button" class="secondary" onClick={close}>Cancel</button>{' '}
            <button type="submit" data-confirm aria-busy={busy ? 'true' : undefined} class={request.danger ? 'danger' : undefined}>{request.action}</button>
          </footer>
        </form>
      </article>
    </dialog>
  )
}

/** Previous / next through a server-side page. */
export function Pager({ total, limit, offset, onPage, label }) {
  if (total === undefined) return null
  const last = Math.min(total, offset + limit)
  return (
    <nav aria-label={`${label} pages`} class="pager">
      <span>{total === 0 ? 'None' : `${offset + 1}–${last} of ${total}`}</span>
      <button type="button" class="secondary" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>Previous page</button>
      <button type="button" class="secondary" disabled={last >= total} onClick={() => onPage(offset + limit)}>Next page</button>
    </nav>
  )
}

export function Risk({ level }) {
  if (!level) return null
  return <span class={`risk risk-${level}`}>{level} risk</span>
}

export function When({ at }) {
  if (!at) return null
  return <time dateTime={at}>{at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>
}

/** Whether the principal holds any of these roles. */
export function holds(session, ...roles) {
  return roles.some((r) => session.principal.roles.includes(r))
}
