import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { lapseOfBlocking } from '../blocking.ts'
import { anyContainsText, containsText, equals, includes } from '../filters.ts'
import { defineTemporalModel, projectTemporal } from '../temporal-model.ts'
import type { DepositFilters } from './queries.ts'
import { type DepositView, evolveDepositView } from './view.ts'

export const depositModel = defineTemporalModel<DepositView, DepositFilters>({
  name: 'deposit',
  evolve: evolveDepositView,
  lapse: lapseOfBlocking,
  columns: {
    name: { type: 'text', of: (view) => view.name },
    country: { type: 'text', of: (view) => view.country, index: 'btree' },
    stage: { type: 'text', of: (view) => view.stage, index: 'btree' },
    blocked: { type: 'boolean', of: (view) => view.blocked },
    elements: { type: 'text[]', of: (view) => view.elements.map((entry) => entry.element), index: 'gin' },
    operators: { type: 'text[]', of: (view) => view.operators.map((operator) => operator.name) },
  },
  filters: {
    country: equals('country'),
    element: includes('elements'),
    stage: equals('stage'),
    blocked: equals('blocked'),
    operator: anyContainsText('operators'),
    q: containsText('name'),
  },
})

export function projectDepositEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectTemporal(client, depositModel, event)
}
