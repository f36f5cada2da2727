import assert from 'node:assert/strict'
import { AnomalyDetector, type AgentContext, type Anomaly } from '@agentid/issuer'

// A weekly duty (issue 21): a service reading, once a week, families it holds an entitlement to
// and uses on no other day (a Sunday backup of every family it holds). Its first run is said as
// any first use; its next, a week later at about the same hour, is the same duty come round (low,
// no reach); what differs from it in time, size, action, family or grant is said as before.
describe('anomaly detection: a weekly duty', () => {
  const base = Date.UTC(2026, 10, 1)
  const MINUTE = 60_000
  const HOUR = 60 * MINUTE
  const DAY = 24 * HOUR
  const LONG_AGO = base - 90 * DAY
  const agent = 'did:web:backup.example'
  const REACH = new Set(['new-resource', 'new-segment', 'lateral-movement'])
  const SEGMENT_OF: Record<string, string> = { 'db:a': 'ops', 'docs:contracts': 'legal', 'docs:wiki': 'corp', 'docs:board': 'legal', 'hr:payroll': 'hr' }
  const grants = new Map(['db:a', 'docs:contracts', 'docs:wiki', 'docs:board'].map((f) => [f, LONG_AGO]))
  const context = (): AgentContext => ({ groups: ['team:ops/service', 'segment:ops', 'role:backup'], entitlements: grants })
  const detector = () => new AnomalyDetector({ learnEvents: 5, learnMinutes: 0, matureHours: 0, context })
  type Batch = { day: number; shift?: number; families?: string[]; records?: number; action?: string }
  const read = (at: number, family: string, i: number, fields: Record<string, unknown> = {}) =>
    ({ at, agent, decision: 'allow' as const, resource: `${family}/${i}`, action: 'read', ip: '10.0.0.1', segment: SEGMENT_OF[family]!, records: 5, ...fields })

  // Its days: reads of its own db:a from 09:00, every day up to the last batch's; each batch at
  // 09:30 (shifted by `shift`), fifteen reads a minute apart of each of its families.
  function events(batches: Batch[]) {
    const last = Math.max(...batches.map((b) => b.day))
    const out = []
    for (let day = 0; day <= last; day++) for (let i = 0; i < 10; i++) out.push(read(base + day * DAY + 9 * HOUR + i * 6 * MINUTE, 'db:a', i))
    for (const b of batches) {
      let at = base + b.day * DAY + 9.5 * HOUR + (b.shift ?? 0)
      for (const family of b.families ?? ['docs:contracts', 'docs:wiki']) {
        for (let i = 0; i < 15; i++) out.push(read((at += MINUTE), family, i, { records: b.records ?? 100, action: b.action ?? 'read' }))
      }
    }
    return out.sort((x, y) => x.at - y.at)
  }
  // Its reach findings (new family, new segment, lateral movement) by the day of what they are about.
  function reaches(d: AnomalyDetector, list: ReturnType<typeof events>): Map<number, Anomaly[]> {
    const found: Anomaly[] = []
    for (const e of list) found.push(...d.observe(e))
    found.push(...d.release(list[list.length - 1]!.at + DAY))
    const out = new Map<number, Anomaly[]>()
    for (const a of found) {
      if (!REACH.has(a.kind)) continue
      const day = Math.floor((a.at - base) / DAY)
      out.set(day, [...(out.get(day) ?? []), a])
    }
    return out
  }
  const said = (found: Anomaly[] | undefined) => [...new Set((found ?? []).filter((a) => a.severity !== 'low').map((a) => `${a.kind}:${a.details.about}`))].sort()

  it('its next run a week later at about the hour is low and no reach; learned after its third', () => {
    const found = reaches(detector(), events([{ day: 7 }, { day: 14, shift: 40 * MINUTE }, { day: 21, shift: -50 * MINUTE }]))
    assert.deepEqual(said(found.get(7)), ['lateral-movement:', 'new-resource:docs:contracts', 'new-resource:docs:wiki', 'new-segment:corp', 'new-segment:legal'], 'its first run: said as any first use')
    assert.deepEqual(said(found.get(14)), [])
    assert.deepEqual(found.get(14)!.map((a) => [a.kind, a.severity, a.details.about, a.details.weekly]), [
      ['new-resource', 'low', 'docs:contracts', true], ['new-segment', 'low', 'legal', true], ['new-resource', 'low', 'docs:wiki', true], ['new-segment', 'low', 'corp', true],
    ])
    assert.deepEqual(said(found.get(21)), [], 'a third week: learned')
  })

  it('a run at another hour, or six days on, is said', () => {
    assert.ok(said(reaches(detector(), events([{ day: 7 }, { day: 14, shift: 3 * HOUR }])).get(14)).includes('new-resource:docs:contracts'), 'three hours later')
    assert.ok(said(reaches(detector(), events([{ day: 7 }, { day: 13 }])).get(13)).includes('new-resource:docs:contracts'), 'six days on')
  })

  it('used on a day between, the run a week after the first is said', () => {
    const found = reaches(detector(), events([{ day: 7 }, { day: 10, families: ['docs:contracts'] }, { day: 14 }]))
    assert.ok(said(found.get(14)).includes('new-resource:docs:contracts'))
  })

  it('a run ten times larger, or with an action it never uses, is said', () => {
    assert.ok(said(reaches(detector(), events([{ day: 7 }, { day: 14, records: 1000 }])).get(14)).includes('new-resource:docs:contracts'), 'ten times the records')
    assert.ok(said(reaches(detector(), events([{ day: 7 }, { day: 14, action: 'export' }])).get(14)).includes('new-resource:docs:contracts'), 'exports')
  })

  // From an adversarial review: the bar was the family's largest read so far, which each of the
  // day's reads raised (four times the one before, 400 records to 6.5 million, all low).
  it("reads growing fourfold one after the other are said once beyond four times the week before's largest", () => {
    const list = events([{ day: 7 }])
    for (let i = 0; i < 8; i++) list.push(read(base + 14 * DAY + 9.5 * HOUR + (i + 1) * MINUTE, 'docs:contracts', 100 + i, { records: 100 * 4 ** (i + 1) }))
    for (let i = 0; i < 10; i++) list.push(read(base + 14 * DAY + 9 * HOUR + i * 6 * MINUTE, 'db:a', i))
    assert.ok(said(reaches(detector(), list.sort((x, y) => x.at - y.at)).get(14)).includes('new-resource:docs:contracts'))
  })

  it('a family it did not read a week before is said, and so is the segment it reaches, the same day as the duty', () => {
    const found = reaches(detector(), events([{ day: 7 }, { day: 14, families: ['docs:contracts', 'docs:wiki', 'docs:board'] }]))
    assert.deepEqual(said(found.get(14)), ['new-resource:docs:board', 'new-segment:legal'])
  })

  it('a family it holds no entitlement to is said each week', () => {
    const found = reaches(detector(), events([{ day: 7, families: ['hr:payroll'] }, { day: 14, families: ['hr:payroll'] }]))
    for (const day of [7, 14]) assert.ok(said(found.get(day)).includes('new-resource:hr:payroll'), `day ${day}`)
  })

  it('a restart in the middle of the run keeps it the duty', () => {
    const list = events([{ day: 7 }, { day: 14 }])
    const cut = list.findIndex((e) => e.at >= base + 14 * DAY + 9.5 * HOUR + 5 * MINUTE)
    const d = detector()
    for (const e of list.slice(0, cut)) d.observe(e)
    const restarted = detector()
    restarted.load(d.takeDirty())
    assert.deepEqual(said(reaches(restarted, list.slice(cut)).get(14)), [])
  })
})
