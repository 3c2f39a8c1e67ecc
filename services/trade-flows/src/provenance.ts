import type { CommandProvenance, Provenance } from '@ree/contracts'

/** The provenance fields of a command body, as the event records them. */
export function provenanceOf(body: Omit<CommandProvenance, 'effectiveDate'>): Provenance {
  const provenance: Provenance = { sources: body.sources, confidence: body.confidence }
  if (body.datePrecision !== undefined) provenance.datePrecision = body.datePrecision
  if (body.note !== undefined) provenance.note = body.note
  return provenance
}
