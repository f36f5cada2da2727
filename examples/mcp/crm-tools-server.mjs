// An MCP server with three tools of different risk, behind @agentid/mcp's guard, on the official
// SDK (Streamable HTTP, stateless). Run by `npm run demo:mcp`; a line process (scripts/line-process.mjs):
// first line { ready, url }. Configuration: AGENTID_MCP (JSON: { issuer, issuerDid, port }).
//   query_customers({ limit })  db:customers read   (low risk; records = limit, for maxRecords)
//   update_customer({ id })     db:customers write  (high: ai-ops then security approve)
//   export_payroll()            hr:payroll read      (high under the default policy)
import { createServer } from 'node:http'
import { createInterface } from 'node:readline'
import { createMcpGuard } from '@agentid/mcp'
import { httpStatusLists, subscribeStatusEvents } from '@agentid/verifier'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { z } from 'zod'

const config = JSON.parse(process.env.AGENTID_MCP)
const resource = `http://127.0.0.1:${config.port}/mcp`
// Revocation arrives by push: the issuer's status events make the guard refetch a list at once.
const statusLists = httpStatusLists({ maxAge: 300, allowedOrigins: [config.issuer] })
const events = subscribeStatusEvents(statusLists, `${config.issuer}/status/events`, { reconnectMs: 200 })

const guard = createMcpGuard({
  resource,
  resourceName: 'CRM tools',
  authorizationServer: { issuer: config.issuer, signers: [config.issuerDid] },
  statusLists,
  tools: {
    query_customers: { resource: 'db:customers', action: 'read', context: (args) => ({ records: Number(args.limit) }) },
    update_customer: { resource: 'db:customers', action: 'write' },
    export_payroll: { resource: 'hr:payroll', action: 'read' },
  },
})

function tools() {
  const server = new McpServer({ name: 'crm-tools', version: '1.0.0' })
  server.registerTool('query_customers', { description: 'list customers', inputSchema: { limit: z.number().int().min(1) } },
    async ({ limit }) => ({ content: [{ type: 'text', text: `${limit} customers` }] }))
  server.registerTool('update_customer', { description: 'change a customer', inputSchema: { id: z.string() } },
    async ({ id }) => ({ content: [{ type: 'text', text: `customer ${id} updated` }] }))
  server.registerTool('export_payroll', { description: 'export the payroll' },
    async () => ({ content: [{ type: 'text', text: 'payroll exported' }] }))
  return server
}

const http = createServer(guard.handler(async (req, res, body) => {
  const server = tools()
  const transport = new StreamableHTTPServerTransport({})
  res.on('close', () => {
    void transport.close()
    void server.close()
  })
  await server.connect(transport)
  await transport.handleRequest(req, res, body)
}))
await new Promise((resolve) => http.listen(config.port, '127.0.0.1', resolve))
await events.ready
process.stdout.write(`${JSON.stringify({ ready: true, url: resource })}\n`)
// Stays up until stdin closes (the demo stops it).
for await (const _ of createInterface({ input: process.stdin })) { /* no commands */ }
events.close()
http.close()
