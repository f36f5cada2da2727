#!/usr/bin/env node
// The `agentid` command. npm links a workspace's bin when it installs, before `prepare` builds
// dist/: this file is in the repository from the start, so the link is made, and it loads the
// build when it runs. It loads the bundle (scripts/bundle.mjs): one file for the CLI and
// commander starts about 40 ms sooner than the two dozen modules tsc writes (dist/bin.js).
try {
  await import('../dist/bin.bundle.js')
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bin.bundle.js')) throw error
  process.stderr.write('agentid is not built yet: run "npm run build" in the agentid checkout\n')
  process.exitCode = 2
}
