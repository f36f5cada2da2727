import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The public test vectors folder: AGENTID_VECTORS, else ../shared/vectors beside the project. */
export const VECTORS_DIR = resolve(root, process.env.AGENTID_VECTORS ?? '../shared/vectors')

/** True when the vectors folder is present; suites that need it skip (and say so) otherwise. */
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
 * Declares a suite that needs the vectors; without them it shows as one pending test with a note.
 * (mocha runs the body of describe.skip to collect its tests, so the body is not given to it.)
 */
export function describeWithVectors(title: string, body: () => void): void {
  if (HAVE_VECTORS) describe(title, body)
  else describe(title, () => it.skip(`skipped: no vectors at ${VECTORS_DIR} (set AGENTID_VECTORS)`))
}
