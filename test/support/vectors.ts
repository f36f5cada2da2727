import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The public test vectors: shipped in test/vectors (see its README); AGENTID_VECTORS points elsewhere. */
export const VECTORS_DIR = resolve(root, process.env.AGENTID_VECTORS ?? 'test/vectors')

/** True when the vectors folder is present. */
export const HAVE_VECTORS = existsSync(join(VECTORS_DIR, 'README.md'))

/** Reads and parses a JSON vector file, relative to the vectors folder. */
export function readVectorJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(join(VECTORS_DIR, path), 'utf8')) as T
}

/** Reads a text vector file, trimmed. */
export function readVectorText(path: string): string {
  return readFileSync(join(VECTORS_DIR, path), 'utf8').trim()
}

/**
 * Declares a suite that needs the vectors. They ship with the repository: without them the suite
 * fails, loudly, rather than skipping hundreds of tests in silence.
 */
export function describeWithVectors(title: string, body: () => void): void {
  if (HAVE_VECTORS) describe(title, body)
  else describe(title, () => it('has its vectors', () => { throw new Error(`no vectors at ${VECTORS_DIR}: they ship in test/vectors (AGENTID_VECTORS points elsewhere)`) }))
}
