import {
  CountryCode,
  countryName,
  IsoDate,
  MaterialForm,
  Money,
  RareEarthElement,
  ShipmentStatus,
} from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, InvalidCursorError, PageQuery } from '../cursor.ts'
import { TemporalQuery } from '../temporal.ts'
import { cursorBinding } from '../temporal-model.ts'
import { allShipments, DateRange } from './shipment-queries.ts'
import type { ShipmentView } from './shipment-view.ts'

export const CorridorQuery = z
  .object({
    from: CountryCode.optional().meta({ description: 'Origin country' }),
    to: CountryCode.optional().meta({ description: 'Destination country' }),
    element: RareEarthElement.optional(),
    form: MaterialForm.optional(),
  })
  .extend(DateRange.shape)
  .extend(PageQuery.shape)
  .extend(TemporalQuery.shape)
  .strict()
export type CorridorQuery = z.output<typeof CorridorQuery>

const Figures = z.object({
  shipmentCount: z.number().int(),
  disclosedTonnes: z.number().meta({ description: 'The sum of the tonnages that were disclosed; never an estimate' }),
  undisclosedTonnageCount: z.number().int().meta({ description: 'How many shipments have no disclosed tonnage' }),
  values: z
    .array(
      // A sum, not one recorded value: it may pass the bound on each value (Money's maximum).
      z.object({
        amount: z.number().meta({ description: 'The sum of the disclosed values in this currency' }),
        currency: Money.shape.currency,
      }),
    )
    .meta({ description: 'Disclosed values, summed per currency' }),
})
type Figures = z.output<typeof Figures>

export const CorridorShipment = z
  .object({
    id: z.string(),
    status: ShipmentStatus,
    flowDate: IsoDate,
    form: MaterialForm.optional(),
    elements: z.array(RareEarthElement),
    quantityTonnes: z.number().optional(),
    tonnageDisclosed: z.boolean(),
    value: Money.optional(),
  })
  .meta({ id: 'CorridorShipment' })

export const CorridorView = z
  .object({
    from: CountryCode,
    fromName: z.string(),
    to: CountryCode,
    toName: z.string(),
    ...Figures.shape,
    breakdown: z
      .array(
        z.object({
          element: RareEarthElement.nullable().meta({ description: 'null: the shipment names no rare-earth element' }),
          form: MaterialForm.nullable().meta({ description: 'null: the form was not disclosed' }),
          quarter: z.string().meta({ examples: ['2025-Q4'] }),
          ...Figures.shape,
        }),
      )
      .meta({
        description:
          'By element, form and quarter. A shipment carrying several elements counts in the row of each, so rows do not add up to the totals.',
      }),
    shipments: z.array(CorridorShipment),
  })
  .meta({ id: 'Corridor' })
export type CorridorView = z.output<typeof CorridorView>

const CorridorCursor = z.object({ b: z.string(), key: z.string() })

/**
 * Flows between two countries, from the shipment read model as of both times: every
 * shipment that is not cancelled, dated by when it left (else arrived, else was booked).
 */
export async function listCorridors(db: pg.Pool | pg.ClientBase, query: CorridorQuery) {
  const binding = cursorBinding('corridors', query)
  const cursor = query.cursor ? decodeCursor(CorridorCursor, query.cursor) : undefined
  if (cursor && cursor.b !== binding)
    throw new InvalidCursorError('cursor was issued for other filters or another time')
  const after = cursor?.key ?? ''
  const filters = {
    ...(query.from ? { origin: query.from } : {}),
    ...(query.to ? { destination: query.to } : {}),
    ...(query.element ? { element: query.element } : {}),
    ...(query.form ? { form: query.form } : {}),
    ...(query.dateFrom ? { dateFrom: query.dateFrom } : {}),
    ...(query.dateTo ? { dateTo: query.dateTo } : {}),
    ...(query.asOf ? { asOf: query.asOf } : {}),
    ...(query.recordedAsOf ? { recordedAsOf: query.recordedAsOf } : {}),
  }
  const shipments = (await allShipments(db, filters)).filter((shipment) => shipment.status !== 'cancelled')
  const byCorridor = new Map<string, ShipmentView[]>()
  for (const shipment of shipments) {
    const key = `${shipment.origin}-${shipment.destination}`
    byCorridor.set(key, [...(byCorridor.get(key) ?? []), shipment])
  }
  const keys = [...byCorridor.keys()].filter((key) => key > after).sort()
  const page = keys.slice(0, query.limit)
  const last = page.at(-1)
  return {
    items: page.map((key) => corridorOf(byCorridor.get(key) ?? [], query.element)),
    nextCursor: keys.length > query.limit && last ? encodeCursor({ b: binding, key: last }) : null,
  }
}

function corridorOf(shipments: ShipmentView[], element: string | undefined): CorridorView {
  const [first] = shipments
  if (!first) throw new Error('a corridor has at least one shipment')
  const rows = new Map<
    string,
    { element: string | null; form: string | null; quarter: string; shipments: ShipmentView[] }
  >()
  for (const shipment of shipments) {
    const quarter = quarterOf(shipment.flowDate)
    const elements = shipment.elements.length > 0 ? shipment.elements : [null]
    for (const rowElement of elements) {
      if (element !== undefined && rowElement !== element) continue
      const form = shipment.form ?? null
      const key = `${rowElement}|${form}|${quarter}`
      const row = rows.get(key) ?? { element: rowElement, form, quarter, shipments: [] }
      row.shipments.push(shipment)
      rows.set(key, row)
    }
  }
  const breakdown = [...rows.values()]
    .sort(
      (a, b) =>
        a.quarter.localeCompare(b.quarter) ||
        String(a.element).localeCompare(String(b.element)) ||
        String(a.form).localeCompare(String(b.form)),
    )
    .map((row) => ({
      element: row.element as CorridorView['breakdown'][number]['element'],
      form: row.form as CorridorView['breakdown'][number]['form'],
      quarter: row.quarter,
      ...figuresOf(row.shipments),
    }))
  return {
    from: first.origin,
    fromName: countryName(first.origin),
    to: first.destination,
    toName: countryName(first.destination),
    ...figuresOf(shipments),
    breakdown,
    shipments: shipments.map((shipment) => {
      const entry: z.output<typeof CorridorShipment> = {
        id: shipment.id,
        status: shipment.status,
        flowDate: shipment.flowDate,
        elements: shipment.elements,
        tonnageDisclosed: shipment.quantityTonnes !== undefined,
      }
      if (shipment.form !== undefined) entry.form = shipment.form
      if (shipment.quantityTonnes !== undefined) entry.quantityTonnes = shipment.quantityTonnes
      if (shipment.value !== undefined) entry.value = shipment.value
      return entry
    }),
  }
}

function figuresOf(shipments: ShipmentView[]): Figures {
  const values = new Map<string, number>()
  let disclosedTonnes = 0
  let undisclosedTonnageCount = 0
  for (const shipment of shipments) {
    if (shipment.quantityTonnes === undefined) undisclosedTonnageCount += 1
    else disclosedTonnes += shipment.quantityTonnes
    if (shipment.value)
      values.set(shipment.value.currency, (values.get(shipment.value.currency) ?? 0) + shipment.value.amount)
  }
  return {
    shipmentCount: shipments.length,
    disclosedTonnes: round(disclosedTonnes),
    undisclosedTonnageCount,
    values: [...values.entries()].sort().map(([currency, amount]) => ({ currency, amount: round(amount) })),
  }
}

function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6
}
