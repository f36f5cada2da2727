import type { Command } from 'commander'
import { resolve } from 'node:path'
import { agentIdError } from '@agentid/core'
import type { CommandContext } from '../context.js'

export function registerOperations(program: Command, ctx: CommandContext): void {
  program
    .command('migrate')
    .description("move the issuer in AGENTID_HOME from its SQLite database to PostgreSQL, in one transaction, then check the result (every table's rows, the issuer key, the audit chain and its checkpoints); the SQLite file is only read. Stop the service first")
    .requiredOption('--to <url>', 'the PostgreSQL database: postgres://user@host:5432/db (?schema=<name>, default public); the schema must hold no issuer')
    .addHelpText('after', "\nExample:\n  agentid serve ...   # stopped first\n  agentid migrate --to 'postgres://agentid@db.internal/agentid?schema=issuer'\n  AGENTID_DATABASE='postgres://agentid@db.internal/agentid?schema=issuer' agentid serve\nThe home keeps the key-encryption key and the admin token. See docs/operations.md, \"PostgreSQL and replicas\".")
    .action(async (opts: { to: string }) => {
      const { migrateToPostgres } = await import('@agentid/issuer')
      const out = ctx.out()
      const progress = ctx.io.isTty && !out.json ? ({ table, rows, total }: { table: string; rows: number; total: number }) => ctx.io.stderr(`\rcopying ${table}: ${rows}/${total}\x1b[K`) : undefined
      const report = await migrateToPostgres({ home: ctx.home(), to: opts.to, env: ctx.io.env, ...(progress ? { progress } : {}) })
      if (progress) ctx.io.stderr('\n')
      out.result(report, () => [
        `issuer ${report.issuerDid} moved to ${report.to}`,
        ...report.tables.filter((t) => t.rows > 0).map((t) => `  ${t.table.padEnd(24)} ${t.rows} rows`),
        `checked: every table's rows, the issuer key, the audit chain (${report.auditEntries} entries) and ${report.checkpoints} signed checkpoint${report.checkpoints === 1 ? '' : 's'}`,
        `serve it with --database or AGENTID_DATABASE set to that URL; the SQLite database in ${ctx.home()} is untouched`,
      ].join('\n'))
    })

  program
    .command('backup <file>')
    .description("a consistent copy of the issuer's database, taken while it runs (SQLite's online backup), mode 0600; it does not hold the key-encryption key")
    .addHelpText('after', '\nExample:\n  agentid backup /backups/issuer-$(date +%F).db\nKeep the key-encryption key (AGENTID_KEK or .agentid/kek) somewhere else than the backups. See docs/operations.md.')
    .action(async (file: string) => {
      sqliteOnly(ctx, 'backup', 'back PostgreSQL up with its own tools (pg_dump --schema=…, base backups)')
      const { backupIssuer, issuerHome } = await import('@agentid/issuer')
      const done = await backupIssuer(issuerHome(ctx.home(), ctx.io.env), resolve(ctx.io.cwd, file))
      ctx.out().result(done, () => `backup written to ${done.file} (${done.bytes} bytes, mode 0600)`)
    })

  program
    .command('restore <file>')
    .description("restore a backup into AGENTID_HOME after checking it (integrity, schema, the issuer key opening with the key-encryption key, the audit log and its checkpoints); the current database is moved aside, never deleted. Stop the service first")
    .option('--check', 'only check the backup; change nothing')
    .action(async (file: string, opts: { check?: boolean }) => {
      sqliteOnly(ctx, 'restore', "restore PostgreSQL with its own tools, then check it with agentid audit verify --database …")
      const { checkBackup, issuerHome, restoreIssuer } = await import('@agentid/issuer')
      const path = resolve(ctx.io.cwd, file)
      if (opts.check) {
        const checked = await checkBackup(path, ctx.io.env, issuerHome(ctx.home(), ctx.io.env))
        ctx.out().result({ ok: true, ...checked }, () => `backup is good: issuer ${checked.issuerDid}, ${checked.auditEntries} audit entries, ${checked.checkpoints} checkpoints hold`)
        return
      }
      const restored = await restoreIssuer(path, { home: ctx.home(), env: ctx.io.env })
      ctx.out().result(restored, () => [`restored issuer ${restored.issuerDid} (${restored.auditEntries} audit entries)`, ...(restored.previous ? [`the database it replaced is kept as ${restored.previous}`] : [])].join('\n'))
    })

  program
    .command('doctor')
    .description('check the installation: file modes, the key-encryption key, SQLite settings and integrity, schema, audit log, clock; says how to fix each problem (exit 1 when any)')
    .action(async () => {
      const { issuerHome, runDoctor } = await import('@agentid/issuer')
      const findings = await runDoctor(issuerHome(ctx.home(), ctx.io.env), ctx.io.env, Date.now, ctx.database().database)
      const problems = findings.filter((f) => !f.ok)
      ctx.out().result({ ok: problems.length === 0, findings }, () =>
        [...findings.map((f) => `${f.ok ? 'ok  ' : 'FIX '} ${f.check}: ${f.detail}${f.fix ? `\n      -> ${f.fix}` : ''}`), problems.length === 0 ? 'all good' : `${problems.length} problem${problems.length === 1 ? '' : 's'}`].join('\n'))
      if (problems.length > 0) ctx.exitCode = 1
    })
}

export function registerKek(program: Command, ctx: CommandContext): void {
  const kek = program.command('kek').description('the key-encryption key that seals the private keys and webhook secrets in the database')
  kek
    .command('rotate')
    .description('re-encrypt every sealed private key and webhook secret with a new key-encryption key, in one transaction (stop the service first)')
    .addHelpText('after', '\nWith a kek file, the new key replaces it. With AGENTID_KEK, the new key is printed once: set it before the next start.')
    .action(async () => {
      const issuer = await ctx.issuer()
      const rotated = await issuer.rotateKek(ctx.actor(), ctx.io.env)
      ctx.out().result(rotated, () => rotated.newKek
        ? `re-encrypted ${rotated.reencrypted} sealed values; the new key-encryption key (set AGENTID_KEK to it now; shown once):\n${rotated.newKek}`
        : `re-encrypted ${rotated.reencrypted} sealed values; the new key is in ${rotated.kekFile}`)
    })
}

// backup and restore are SQLite's (its online backup API): on PostgreSQL, the operator's tools.
function sqliteOnly(ctx: CommandContext, command: string, instead: string): void {
  if (ctx.database().database !== undefined || (ctx.io.env.AGENTID_DATABASE ?? '') !== '') throw agentIdError('ERR_USAGE', `agentid ${command} is for the SQLite database in the home; ${instead}`)
}
