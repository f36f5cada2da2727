// Type-checked by test/packaging.e2e.test.ts in a fresh project against the types installed from
// all five npm pack tarballs (strict, skipLibCheck off), beside libraries-types.ts. Each expected
// error below proves the types are real rather than `any`.
import { Issuer, startService, type IssuedCredential, type RunningService } from '@agentid/issuer'
import { run, VERSION, type CliIo } from '@agentid/cli'

export async function issue(subject: string): Promise<IssuedCredential> {
  const { issuer } = await Issuer.init({ home: '/tmp/never-run' })
  const service: RunningService = await startService(issuer, { port: 0 })
  const url: string = service.url
  await service.close()
  return issuer.grant({ subject, entitlements: [{ resource: 'db:customers', actions: ['read'] }], ttlSeconds: 60 }, url)
}

const io: CliIo = { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', isTty: false }
export const exitCode: Promise<number> = run(['--version'], io)
export const version: string = VERSION

// @ts-expect-error grant needs a lifetime
Issuer.prototype.grant({ subject: 'did:key:z', entitlements: [] }, 'me')
// @ts-expect-error run answers an exit code
export const notAString: Promise<string> = run([], io)
