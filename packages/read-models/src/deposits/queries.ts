import { CountryCode, DepositStage, RareEarthElement } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, PageQuery } from '../cursor.ts'
import { isTemporal, TemporalQuery } from '../temporal.ts'
import { foldAllViews, getView, hasHistory, historyPage, viewVersion } from '../versioned-view.ts'
import { depositViews } from './projection.ts'
import type { DepositView } from './view.ts'

export const DepositFilters = z.object({
  country: CountryCode.optional(),
  element: RareEarthElement.optional(),
  stage: DepositStage.optional(),
  operator: z.string().min(1).max(200).optional().meta({ description: "Part of an operator's name, any case" }),
  q: z.string().min(1).max(200).optional().meta({ description: 'Part of the name, any case' }),
})

export const DepositListQuery = DepositFilters.extend(PageQuery.shape).extend(TemporalQuery.shape)
export type DepositListQuery = z.output<typeof DepositListQuery>

const DepositCursor = z.object({ id: z.string() })

type Queryable = pg.Pool | pg.ClientBase

export async function listDeposits(db: Queryable, query: DepositListQuery) {
  const after = query.cursor ? decodeCursor(DepositCursor, query.cursor).id : ''
  const views = isTemporal(query)
    ? (await foldAllViews(db, depositViews, query)).filter((view) => view.id > after && matches(view, query))
    : await selectCurrent(db, query, after)
  const page = views.slice(0, query.limit)
  const last = page.at(-1)
  return { items: page, nextCursor: views.length > query.limit && last ? encodeCursor({ id: last.id }) : null }
}

export async function getDeposit(
  db: Queryable,
  id: string,
  query: TemporalQuery = {},
): Promise<DepositView | undefined> {
  return getView(db, depositViews, id, query)
}

/** The version the read model has reached for a deposit (0 when unknown): for read-your-writes. */
export async function depositVersion(db: Queryable, id: string): Promise<number> {
  return viewVersion(db, depositViews, id)
}

export const HistoryQuery = PageQuery.extend(TemporalQuery.shape)
export type HistoryQuery = z.output<typeof HistoryQuery>

/** A deposit's events, in stream order, as CloudEvents. */
export async function depositHistory(db: Queryable, id: string, query: HistoryQuery) {
  return historyPage(db, depositViews, id, query)
}

export async function depositExists(db: Queryable, id: string): Promise<boolean> {
  return hasHistory(db, depositViews, id)
}

async function selectCurrent(db: Queryable, query: DepositListQuery, after: string): Promise<DepositView[]> {
  const conditions = ['id > $1']
  const values: unknown[] = [after]
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value)
    conditions.push(sql(`$${values.length}`))
  }
  if (query.country) add((p) => `country = ${p}`, query.country)
  if (query.element) add((p) => `${p} = ANY (elements)`, query.element)
  if (query.stage) add((p) => `stage = ${p}`, query.stage)
  if (query.operator)
    add((p) => `EXISTS (SELECT 1 FROM unnest(operators) o WHERE o ILIKE ${p})`, `%${escapeLike(query.operator)}%`)
  if (query.q) add((p) => `name ILIKE ${p}`, `%${escapeLike(query.q)}%`)
  values.push(query.limit + 1)
  const result = await db.query<{ view: DepositView }>(
    `SELECT view FROM read_models.deposits WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT $${values.length}`,
    values,
  )
  return result.rows.map((row) => row.view)
}

/** The same filters as `selectCurrent`, for views folded at a past time. */
function matches(view: DepositView, query: DepositListQuery): boolean {
  const contains = (text: string, part: string) => text.toLowerCase().includes(part.toLowerCase())
  return (
    (!query.country || view.country === query.country) &&
    (!query.element || view.elements.some((entry) => entry.element === query.element)) &&
    (!query.stage || view.stage === query.stage) &&
    (!query.operator || view.operators.some((operator) => contains(operator.name, query.operator ?? ''))) &&
    (!query.q || contains(view.name, query.q))
  )
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}
