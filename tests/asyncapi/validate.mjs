// Validates an AsyncAPI document with the official parser (@asyncapi/parser): schema, references, and the parser's
// rules. Exits 0 when it has no error-level diagnostic, 1 otherwise (each printed), 2 on bad usage.
// Usage: node validate.mjs <path to asyncapi.json>
import { readFile } from 'node:fs/promises';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';

const path = process.argv[2];
if (!path) {
  console.error('usage: node validate.mjs <asyncapi.json>');
  process.exit(2);
}

const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(path, 'utf8'));
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of diagnostics) {
  const level = d.severity === DiagnosticSeverity.Error ? 'error' : 'note';
  console.log(`${level}: ${d.code}: ${d.message} at /${d.path.join('/')}`);
}

if (!document || errors.length > 0) {
  console.error(`${path}: not a valid AsyncAPI document (${errors.length} errors)`);
  process.exit(1);
}

console.log(`${path}: valid AsyncAPI ${document.version()}: ${document.channels().length} channels, ` +
  `${document.operations().length} operations, ${document.allMessages().length} messages`);
