export interface MetricSample {
  name: string
  labels: Record<string, string>
  value: number
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g

/**
 * Parses the Prometheus text exposition format (version 0.0.4) strictly: a line that
 * is neither a comment nor a well-formed sample fails the parse.
 */
export function parseMetrics(text: string): MetricSample[] {
  const samples: MetricSample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue
    const match = sampleLine.exec(line)
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`)
    const [, name = '', labelText = '', value = ''] = match
    const labels: Record<string, string> = {}
    const rest = labelText.replaceAll(labelPair, (_, key: string, raw: string) => {
      labels[key] = raw.replaceAll('\\"', '"').replaceAll('\\n', '\n').replaceAll('\\\\', '\\')
      return ''
    })
    if (rest !== '') throw new Error(`malformed labels in: ${line}`)
    samples.push({ name, labels, value: Number(value.replace('Inf', 'Infinity')) })
  }
  return samples
}

/** The value of the one sample with this name and these labels (among others), if there is one. */
export function metricValue(samples: MetricSample[], name: string, labels: Record<string, string> = {}) {
  return samples.find(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  )?.value
}
