/**
 * What a document breaks of RFC 7946 for a FeatureCollection of Points (the only
 * geometry the ledger serves): an empty list when it keeps every rule checked.
 */
export function rfc7946Violations(document: unknown): string[] {
  if (!isObject(document)) return ['the document is not a JSON object']
  const violations: string[] = []
  if (document.type !== 'FeatureCollection') violations.push(`type is ${String(document.type)}, not FeatureCollection`)
  if (!Array.isArray(document.features)) return [...violations, 'features is not an array']
  // §7.1: members that belong to other GeoJSON types are not used on a FeatureCollection.
  for (const member of ['geometry', 'properties', 'coordinates', 'geometries']) {
    if (member in document) violations.push(`a FeatureCollection carries "${member}"`)
  }
  const ids = new Set<unknown>()
  for (const [index, feature] of (document.features as unknown[]).entries()) {
    violations.push(...featureViolations(feature, `features[${index}]`))
    if (isObject(feature) && 'id' in feature) {
      if (ids.has(feature.id)) violations.push(`features[${index}].id ${String(feature.id)} is repeated`)
      ids.add(feature.id)
    }
  }
  return violations
}

function featureViolations(feature: unknown, at: string): string[] {
  if (!isObject(feature)) return [`${at} is not an object`]
  const violations: string[] = []
  if (feature.type !== 'Feature') violations.push(`${at}.type is ${String(feature.type)}, not Feature`)
  if (!('properties' in feature) || (feature.properties !== null && !isObject(feature.properties))) {
    violations.push(`${at}.properties is neither an object nor null`)
  }
  if ('id' in feature && typeof feature.id !== 'string' && typeof feature.id !== 'number') {
    violations.push(`${at}.id is neither a string nor a number`)
  }
  const geometry = feature.geometry
  if (!isObject(geometry)) return [...violations, `${at}.geometry is not an object`]
  if (geometry.type !== 'Point') violations.push(`${at}.geometry.type is ${String(geometry.type)}, not Point`)
  const position = geometry.coordinates
  if (!Array.isArray(position) || position.length !== 2 || !position.every(Number.isFinite)) {
    return [...violations, `${at}.geometry.coordinates is not [lon, lat] of two finite numbers`]
  }
  const [lon, lat] = position as [number, number]
  if (lon < -180 || lon > 180) violations.push(`${at} longitude ${lon} is outside [-180, 180]`)
  if (lat < -90 || lat > 90) violations.push(`${at} latitude ${lat} is outside [-90, 90]`)
  return violations
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
