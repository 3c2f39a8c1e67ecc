import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { lapseOfBlocking } from '../blocking.ts'
import { anyContainsText, containsText, equals, includes } from '../filters.ts'
import { defineTemporalModel, projectTemporal } from '../temporal-model.ts'
import type { FacilityFilters } from './queries.ts'
import { evolveFacilityView, type FacilityView } from './view.ts'

export const facilityModel = defineTemporalModel<FacilityView, FacilityFilters>({
  name: 'facility',
  evolve: evolveFacilityView,
  lapse: lapseOfBlocking,
  columns: {
    name: { type: 'text', of: (view) => view.name },
    country: { type: 'text', of: (view) => view.country, index: 'btree' },
    status: { type: 'text', of: (view) => view.status, index: 'btree' },
    blocked: { type: 'boolean', of: (view) => view.blocked },
    stages: { type: 'text[]', of: (view) => view.stages, index: 'gin' },
    elements: { type: 'text[]', of: (view) => view.elements, index: 'gin' },
    operators: { type: 'text[]', of: (view) => view.operators.map((operator) => operator.name) },
    feed_deposits: {
      type: 'text[]',
      of: (view) => view.feeds.filter((feed) => feed.kind === 'deposit').map((feed) => feed.id),
      index: 'gin',
    },
  },
  filters: {
    country: equals('country'),
    stage: includes('stages'),
    status: equals('status'),
    blocked: equals('blocked'),
    element: includes('elements'),
    operator: anyContainsText('operators'),
    deposit: includes('feed_deposits'),
    q: containsText('name'),
  },
})

export function projectFacilityEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectTemporal(client, facilityModel, event)
}
