// The status-slot limit, measured: an issuer whose one revocation list (rev-1, 131,072 entries)
// is filled by the bulk loader to a given share, then asked for credentials through the real
// grant(): how many are refused, and what each costs. The issuer picks a random free index with
// 64 tries (packages/issuer/src/store/status-slots.ts) and starts no new list when they fail.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Issuer } from '@agentid/issuer'
import { BulkLoader, LIST_SIZE } from './load.mjs'

/** The shares of rev-1 filled before each round of grants. */
export const FILLS = [0.5, 0.9, 0.95, 0.99, 0.999, 1]

/**
 * @param {{ grants?: number, log?: (line: string) => void }} options
 * @returns {Promise<Array<{ fill: number, taken: number, grants: number, refused: number, msPerGrant: number, code?: string }>>}
 */
export async function slotLimit({ grants = 200, log = () => {} } = {}) {
  const home = mkdtempSync(join(tmpdir(), 'agentid-slots-'))
  try {
    const { issuer: made } = await Issuer.init({ home, env: {} })
    const loader = new BulkLoader({ database: made.home.database, issuerDid: made.did, publicUrl: 'http://127.0.0.1:8470', fill: LIST_SIZE })
    await made.close()
    const rows = []
    for (const fill of FILLS) {
      // Less than the share asked for: the grants of the rounds before took slots too.
      await loader.grow(100, Math.max(loader.credentials, Math.floor(LIST_SIZE * fill) - rows.reduce((n, r) => n + r.grants - r.refused, 0)))
      const issuer = await Issuer.open({ home, env: {} })
      try {
        const admin = await issuer.authenticate(readFileSync(issuer.home.adminTokenFile, 'utf8').trim())
        const taken = loader.taken
        let refused = 0
        let code
        const t0 = performance.now()
        for (let i = 0; i < grants; i++) {
          try {
            await issuer.grant({ subject: loader.dids[i % loader.dids.length], entitlements: [{ resource: 'db:orders', actions: ['read'] }], ttlSeconds: 3600 }, admin)
          } catch (error) {
            if (error.code !== 'ERR_STORE') throw error
            refused++
            code = error.code
          }
        }
        const row = { fill, taken, grants, refused, msPerGrant: (performance.now() - t0) / grants, ...(code ? { code } : {}) }
        log(`  rev-1 ${(100 * fill).toFixed(1)} % full: ${refused} of ${grants} grants refused${code ? ` (${code})` : ''}, ${row.msPerGrant.toFixed(1)} ms each`)
        rows.push(row)
      } finally {
        await issuer.close()
      }
    }
    return rows
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}
