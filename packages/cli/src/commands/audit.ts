import type { Command } from 'commander'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'
import { readJwtLines } from '../files.js'
import { repeatable } from '../options.js'

const PAGE = 5000

export function registerAudit(program: Command, ctx: CommandContext): void {
  const audit = program.command('audit').description('the tamper-evident audit log')

  audit
    .command('verify')
    .description('check the hash chain of the whole audit log and its signed checkpoints; say where an edit, deletion, insertion, reordering, truncation or re-hashed rewrite begins')
    .option('--checkpoint <file>', 'also check against checkpoints kept elsewhere (one VC-JWT per line, e.g. saved from GET /audit/checkpoints); repeatable', repeatable)
    .addHelpText('after', '\nThe service signs a checkpoint every 1,000 entries or every minute with new entries ("agentid audit checkpoint" signs one now).\nKeeping copies outside the database also catches someone who deletes the stored checkpoints.')
    .action(async (opts: { checkpoint?: string[] }) => {
      const external: string[] = []
      for (const file of opts.checkpoint ?? []) external.push(...(await readJwtLines(ctx.io.cwd, file, 'checkpoint file')))
      const issuer = await ctx.issuer()
      const progress = ctx.io.isTty && !ctx.out().json ? (n: number) => ctx.io.stderr(`\rchecked ${n} entries`) : undefined
      const result = await issuer.verifyAudit(external, progress)
      if (progress) ctx.io.stderr('\n')
      if (!result.ok) throw agentIdError('ERR_AUDIT_BROKEN', `audit log is broken at entry ${result.seq}: ${result.reason}`)
      ctx.out().result({ ok: true, entries: result.entries, head: result.head, checkpoints: result.checkpoints }, () =>
        `audit log intact: ${result.entries} entries, head ${result.head}, ${result.checkpoints} signed checkpoint${result.checkpoints === 1 ? '' : 's'} hold`)
    })

  audit
    .command('checkpoint')
    .description('sign the head of the audit log now (the service does it every 1,000 entries or every minute)')
    .action(async () => {
      const written = await (await ctx.issuer()).checkpoint()
      ctx.out().result(written ? { seq: written.seq, head: written.head, jwt: written.jwt } : { seq: null }, () =>
        (written ? `checkpoint of entry ${written.seq} (head ${written.head})\n${written.jwt}` : 'nothing new since the last checkpoint'))
    })

  audit
    .command('export')
    .description('stream audit entries as JSON Lines (one entry per line, with its hashes), a progress count on a terminal')
    .option('--since <seq>', 'first entry to print', '1')
    .option('--format <format>', 'jsonl (the only format)', 'jsonl')
    .action(async (opts: { since: string; format: string }) => {
      if (!/^[1-9][0-9]{0,15}$/.test(opts.since)) throw agentIdError('ERR_INPUT_INVALID', '--since must be an entry number (1 or more)')
      if (opts.format !== 'jsonl') throw agentIdError('ERR_USAGE', '--format must be jsonl')
      const issuer = await ctx.issuer()
      const progress = ctx.io.isTty
      let written = 0
      for (let next = Number(opts.since); ; ) {
        const entries = await issuer.readAudit(next, PAGE)
        if (entries.length === 0) break
        ctx.io.stdout(entries.map((e) => `${JSON.stringify(e)}\n`).join(''))
        next += entries.length
        written += entries.length
        if (progress) ctx.io.stderr(`\rexported ${written} entries`)
      }
      if (progress) ctx.io.stderr('\n')
    })
}
