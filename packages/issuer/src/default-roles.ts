import type { RoleTemplate } from './store/issuer-store.js'

/**
 * Role templates every new issuer starts with: precise entitlements for common agent jobs. They
 * live in the database from then on; edit them there (or through the service, later).
 */
export const DEFAULT_ROLES: readonly RoleTemplate[] = [
  {
    name: 'sales-reporter',
    description: 'reads customer records for the monthly sales report',
    entitlements: [{ resource: 'db:customers', actions: ['read'], purpose: 'monthly-report', constraints: { maxRecords: 5000 } }],
    ttlSeconds: 24 * 3600,
  },
  {
    name: 'crm-reader',
    description: 'reads CRM accounts and contacts to answer questions',
    entitlements: [{ resource: 'crm:accounts/*', actions: ['read'] }],
    ttlSeconds: 8 * 3600,
  },
  {
    name: 'support-assistant',
    description: 'reads and updates support tickets',
    entitlements: [{ resource: 'tickets:support/*', actions: ['read', 'update'], purpose: 'customer-support' }],
    ttlSeconds: 8 * 3600,
  },
]
