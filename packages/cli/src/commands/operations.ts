import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { CommandContext } from '../context.js'

export function registerOperations(program: Command, ctx: CommandContext): void {
  program
    .command('backup <file>')
    .description("a consistent copy of the issuer's database, taken while it runs (SQLite's online backup), mode 0600; it does not hold the key-encryption key")
    .addHelpText('after', '\nExample:\n  agentid backup /backups/issuer-$(date +%F).db\nKeep the key-encryption key (AGENTID_KEK or .agentid/kek) somewhere else than the backups. See docs/operations.md.')
    .action(async (file: string) => {
      const { backupIssuer, issuerHome } = await import('@agentid/issuer')
      const done = await backupIssuer(issuerHome(ctx.home(), ctx.io.env), resolve(ctx.io.cwd, file))
      ctx.out().result(done, () => `backup written to ${done.file} (${done.bytes} bytes, mode 0600)`)
    })

  program
    .command('restore <file>')
    .description("restore a backup into AGENTID_HOME after checking it (integrity, schema, the issuer key opening with the key-encryption key, the audit log and its checkpoints); the current database is moved aside, never deleted. Stop the service first")
    .option('--check', 'only check the backup; change nothing')
    .action(async (file: string, opts: { check?: boolean }) => {
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
      const findings = await runDoctor(issuerHome(ctx.home(), ctx.io.env), ctx.io.env)
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
