import { generateKek, openPostgresStore } from '@agentid/issuer'
import { storeContract } from './store-contract.js'
import { freshSchema, postgresUnavailable, TEST_DATABASE, whenPostgres } from './store/postgres-support.js'

const unavailable = await postgresUnavailable()

whenPostgres('IssuerStore contract: postgres', unavailable, () => {
  storeContract('postgres', async ({ now, randomIndex }) => {
    const { schema, drop } = freshSchema()
    const store = await openPostgresStore({ url: TEST_DATABASE, kek: generateKek(), create: true, schema, now, ...(randomIndex ? { randomIndex } : {}) })
    return { store, cleanup: async () => { await store.close(); await drop() } }
  })
})
