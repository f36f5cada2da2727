import { createAgent, type ICredentialPlugin, type IDIDManager, type IKeyManager, type TAgent } from '@veramo/core'
import { CredentialProviderJWT } from '@veramo/credential-jwt'
import { CredentialPlugin } from '@veramo/credential-w3c'
import { DIDManager } from '@veramo/did-manager'
import { KeyDIDProvider } from '@veramo/did-provider-key'
import { KeyManager } from '@veramo/key-manager'
import { KeyManagementSystem } from '@veramo/kms-local'
import type { KeyCustodyStores } from '../store/issuer-store.js'

/** The Veramo agent the issuer signs with: key custody, did:key management, VC-JWT creation. */
export type IssuerAgent = TAgent<IKeyManager & IDIDManager & ICredentialPlugin>

/**
 * Builds the issuer's Veramo agent over the store's custody tables. No DID resolver: issuing a
 * VC-JWT needs none, and the issuer never verifies through Veramo.
 */
export function createIssuerAgent(stores: KeyCustodyStores): IssuerAgent {
  return createAgent<IKeyManager & IDIDManager & ICredentialPlugin>({
    plugins: [
      new KeyManager({ store: stores.keyStore, kms: { local: new KeyManagementSystem(stores.privateKeyStore) } }),
      new DIDManager({ store: stores.didStore, defaultProvider: 'did:key', providers: { 'did:key': new KeyDIDProvider({ defaultKms: 'local' }) } }),
      new CredentialPlugin([new CredentialProviderJWT()]),
    ],
  })
}
