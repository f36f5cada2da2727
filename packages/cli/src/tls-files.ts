import { createPrivateKey, X509Certificate } from 'node:crypto'
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { agentIdError } from '@agentid/core'
import { readTextFile } from './files.js'

/**
 * Reads `serve --tls-cert` and `--tls-key` (PEM) and checks them before the service starts: the
 * key file must not be readable by group or others (as the home's kek and token files), the
 * certificate must parse, and the key must be the certificate's. Messages never quote the key.
 * @throws AgentIdError ERR_INPUT_INVALID
 */
export async function readTls(cwd: string, certFile: string, keyFile: string): Promise<{ cert: string; key: string }> {
  let mode: number
  try {
    mode = (await stat(resolve(cwd, keyFile))).mode & 0o777
  } catch (cause) {
    throw agentIdError('ERR_INPUT_INVALID', `cannot read --tls-key ${keyFile}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { cause })
  }
  if ((mode & 0o077) !== 0) throw agentIdError('ERR_INPUT_INVALID', `--tls-key ${keyFile} is readable by others (mode ${mode.toString(8).padStart(4, '0')}); chmod 600 it`)
  const cert = await readTextFile(cwd, certFile, '--tls-cert')
  const key = await readTextFile(cwd, keyFile, '--tls-key')
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(cert)
  } catch (cause) {
    throw agentIdError('ERR_INPUT_INVALID', `--tls-cert ${certFile} is not a PEM certificate`, { cause })
  }
  let privateKey
  try {
    privateKey = createPrivateKey(key)
  } catch (cause) {
    throw agentIdError('ERR_INPUT_INVALID', `--tls-key ${keyFile} is not an unencrypted PEM private key`, { cause })
  }
  if (!certificate.checkPrivateKey(privateKey)) throw agentIdError('ERR_INPUT_INVALID', `--tls-key ${keyFile} is not the key of --tls-cert ${certFile}`)
  return { cert, key }
}
