import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'

interface ItemView { id: string; credential: string; risk: string; decision?: string; reviewer?: string }
interface CampaignView { id: string; name: string; status: string; deadline: string; items: ItemView[] }

function campaignLines(c: CampaignView): string[] {
  return [`${c.id}  ${c.name}  ${c.status}  deadline ${c.deadline}`, ...c.items.map((i) => `  ${i.id}  ${i.risk}  ${i.credential}  ${i.decision ?? 'to review'}${i.reviewer ? ` by ${i.reviewer}` : ''}`)]
}

export function registerReview(program: Command, ctx: CommandContext): void {
  const review = program.command('review').description('access reviews: certify or revoke live credentials, by risk')
  review
    .command('start')
    .description('open a campaign over the credentials due for review (per-risk intervals of the policy), or over all live ones')
    .option('--name <name>', 'campaign name (default review-<date>)')
    .option('--all', 'every live credential, due or not')
    .action(async (opts: { name?: string; all?: boolean }) => {
      const campaign = (await (await ctx.api()).call('POST', '/reviews', { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(opts.all ? { all: true } : {}) })).body as CampaignView & { digest: string }
      ctx.out().result(campaign, () => [...campaignLines(campaign), `${campaign.items.length} items, digest ${campaign.digest} (as in the audit entry review.start)`].join('\n'))
    })
  review
    .command('list')
    .description('list campaigns and their items')
    .option('--open', 'only open campaigns')
    .action(async (opts: { open?: boolean }) => {
      const { reviews } = (await (await ctx.api()).call('GET', '/reviews')).body as { reviews: CampaignView[] }
      const shown = opts.open ? reviews.filter((r) => r.status === 'open') : reviews
      ctx.out().result({ reviews: shown }, () => (shown.length === 0 ? 'no review campaigns' : shown.flatMap(campaignLines).join('\n')))
    })
  for (const verb of ['certify', 'revoke'] as const) {
    review
      .command(`${verb} <item>`)
      .description(verb === 'certify' ? 'certify an item: the access stays, its review clock restarts' : "revoke an item's credential at once")
      .action(async (item: string) => {
        if (!/^item-[0-9a-f-]{36}$/.test(item)) throw agentIdError('ERR_INPUT_INVALID', 'a review item id looks like item-<uuid>; see "agentid review list"')
        const answer = (await (await ctx.api()).call('POST', `/reviews/items/${item}/${verb}`)).body as { item: ItemView }
        ctx.out().result(answer, () => `${answer.item.id}: ${answer.item.decision}`)
      })
  }

  program
    .command('alerts')
    .description('alerts, newest first: overdue reviews (review.overdue), anomalies from verification events (anomaly.*), stray delegations (delegation.stray)')
    .option('--order <order>', 'newest (the default), or score: the 100 highest scores first, alerts without a score last')
    .action(async (opts: { order?: string }) => {
      // The issuer validates the order (ERR_INPUT_INVALID): one list of orders, in its routes.
      const path = opts.order === undefined ? '/alerts' : `/alerts?order=${encodeURIComponent(opts.order)}&limit=100`
      const { alerts } = (await (await ctx.api()).call('GET', path)).body as { alerts: Array<{ id: number; at: string; kind: string; severity: string; subject?: string }> }
      ctx.out().result({ alerts }, () => (alerts.length === 0 ? 'no alerts' : alerts.map((a) => `${a.at}  ${a.severity}  ${a.kind}  ${a.subject ?? ''}`).join('\n')))
    })

  program
    .command('sweep')
    .description('run the sweeper once on the local database: expire requests and credentials, close overdue reviews, open the reviews that fall due (the service does this every 30 s)')
    .action(async () => {
      if (ctx.remote()) throw agentIdError('ERR_USAGE', 'sweep runs on the local database; the service sweeps by itself')
      const result = await (await ctx.issuer()).sweep()
      ctx.out().result(result, () => `expired ${result.requestsExpired} requests and ${result.credentialsExpired} credentials; ${result.reviewItemsOverdue} review items overdue; ${result.reviewItemsOpened} put up for review`)
    })
}
