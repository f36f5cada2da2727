import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'

const PAGE = 5000

export function registerAudit(program: Command, ctx: CommandContext): void {
  const audit = program.command('audit').description('the tamper-evident audit log')

  audit
    .command('verify')
    .description('check the hash chain of the whole audit log and say where it breaks (edit, deletion, insertion, reordering)')
    .addHelpText('after', '\nRemoving the newest entries leaves a shorter chain that still verifies: catching that needs the\nsigned checkpoints that come with the audit issue.')
    .action(async () => {
      const { findChainBreak, GENESIS_HASH } = await import('@agentid/issuer')
      const issuer = await ctx.issuer()
      // Page through the log so that a long one is never held in memory at once.
      let prev = GENESIS_HASH
      let next = 1
      for (;;) {
        const entries = await issuer.store.readAudit(next, PAGE)
        if (entries.length === 0) break
        const broken = findChainBreak(entries, next, prev)
        if (broken) throw agentIdError('ERR_STORE', `audit log is broken at entry ${broken.seq}: ${broken.reason}`)
        prev = entries[entries.length - 1]!.hash
        next += entries.length
      }
      ctx.out().result({ ok: true, entries: next - 1, head: prev }, () => `audit log intact: ${next - 1} entries, head ${prev}`)
    })

  audit
    .command('export')
    .description('print audit entries as JSON Lines (one entry per line, with its hashes)')
    .option('--since <seq>', 'first entry to print', '1')
    .action(async (opts: { since: string }) => {
      if (!/^[1-9][0-9]{0,15}$/.test(opts.since)) throw agentIdError('ERR_INPUT_INVALID', '--since must be an entry number (1 or more)')
      const issuer = await ctx.issuer()
      for (let next = Number(opts.since); ; ) {
        const entries = await issuer.store.readAudit(next, PAGE)
        if (entries.length === 0) break
        ctx.io.stdout(entries.map((e) => `${JSON.stringify(e)}\n`).join(''))
        next += entries.length
      }
    })
}
