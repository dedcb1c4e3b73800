// Validates a JSON-LD file against SHACL shapes (Turtle files) with rdf-validate-shacl and
// prints one line per result as JSON: {"severity", "focus", "path", "message", "shape"}.
// Usage: node validate.mjs MODULES data.jsonld shapes.ttl [more.ttl ...], where MODULES is
// the node_modules folder holding rdf-validate-shacl and @zazuko/env-node (npm root -g when
// they are installed globally, as CI does). It exits 0 when the report could be made,
// whatever it found: the Go test judges the results.
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [modules, data, ...shapeFiles] = process.argv.slice(2)
const require = createRequire(join(modules, 'noop.js'))
const load = async (name) => (await import(pathToFileURL(require.resolve(name)).href)).default
const rdf = await load('@zazuko/env-node')
const SHACLValidator = await load('rdf-validate-shacl')

const shapes = rdf.dataset()
for (const f of shapeFiles) {
  await shapes.import(rdf.fromFile(f))
}
const graph = await rdf.dataset().import(rdf.fromFile(data))
console.error(`data: ${graph.size} triples; shapes: ${shapes.size} triples`)
const report = await new SHACLValidator(shapes, { factory: rdf }).validate(graph)
for (const r of report.results) {
  console.log(JSON.stringify({
    severity: r.severity?.value,
    focus: r.focusNode?.value,
    path: r.path?.value,
    message: r.message.map((m) => m.value).join('; '),
    shape: r.sourceShape?.value,
  }))
}
