import type { CloudEvent } from '@ree/contracts'
import type pg from 'pg'
import { includes } from '../filters.ts'
import { defineTemporalModel, projectTemporal } from '../temporal-model.ts'
import type { CountryFigureFilters } from './queries.ts'
import { type CountryFiguresView, evolveCountryFiguresView } from './view.ts'

export const countryFiguresModel = defineTemporalModel<CountryFiguresView, CountryFigureFilters>({
  name: 'country_figures',
  evolve: evolveCountryFiguresView,
  columns: {
    metrics: { type: 'text[]', of: (view) => [...new Set(view.figures.map((figure) => figure.metric))], index: 'gin' },
    years: { type: 'text[]', of: (view) => [...new Set(view.figures.map((figure) => String(figure.year)))] },
  },
  filters: {
    metric: includes('metrics'),
    year: { ...includes('years'), value: (year: number) => String(year) },
  },
})

export function projectCountryFigureEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectTemporal(client, countryFiguresModel, event)
}
