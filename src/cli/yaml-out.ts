// YAML written out, for `procs config` only. Imported by name, so that the bundle keeps only
// `stringify` of the yaml package (the parser is shared with the spec loader), and loaded with
// that command's chunk: no other command writes YAML.
import { stringify } from 'yaml';

/** `data` as a YAML document, lines never folded. */
export function yamlText(data: unknown): string {
  return stringify(data, { lineWidth: 0 });
}
