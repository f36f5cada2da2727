// Entitlements and durations in plain words, for people deciding on them.

export function duration(seconds) {
  if (seconds === undefined || seconds === null) return ''
  const units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]]
  for (const [name, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size
      return `${n} ${name}${n === 1 ? '' : 's'}`
    }
  }
  return `${seconds} seconds`
}

function list(items) {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

function constraint(key, value) {
  switch (key) {
    case 'hours': return `only between ${String(value).replace('-', ' and ')}`
    case 'networks': return `only from ${list([].concat(value).map(String))}`
    case 'maxRecords': return `at most ${value} records per request`
    case 'days': return `only on ${list([].concat(value).map(String))}`
    default: return `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`
  }
}

/** "May read and write db:customers, for purpose monthly-report; only between 08:00Z and 18:00Z". */
export function entitlement(e) {
  const parts = [`May ${list(e.actions)} ${e.resource.endsWith('/*') ? `anything under ${e.resource.slice(0, -2)}` : e.resource}`]
  if (e.purpose) parts.push(`for the purpose “${e.purpose}”`)
  const constraints = Object.entries(e.constraints ?? {}).map(([k, v]) => constraint(k, v))
  return parts.join(', ') + (constraints.length > 0 ? `; ${constraints.join('; ')}` : '')
}

export function roleList(roles) {
  return roles.length === 0 ? 'no role' : list(roles)
}
