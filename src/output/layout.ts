// The name column shared by every text renderer: names padded to the longest known unit and
// coloured per unit, so output lines and state lines line up in one stream.

import { ColorAssigner, sgr } from './colors.js';

/** The name project-wide events carry. */
export const PROJECT_UNIT = 'procs';

export class UnitLayout {
  readonly color: boolean;
  #names = new Set<string>();
  #width = 0;
  #version = 0;
  #colors: ColorAssigner;

  /** `names` in unit order: the order decides the colours. */
  constructor(names: Iterable<string>, color: boolean) {
    this.color = color;
    this.#colors = new ColorAssigner();
    this.addNames(names);
  }

  /** Width of the name column. */
  get width(): number {
    return this.#width;
  }

  /** Changes whenever the column widens, so renderers know to rebuild cached prefixes. */
  get version(): number {
    return this.#version;
  }

  /** Makes names known (units added by a reload or a scale); widens the column if needed. */
  addNames(names: Iterable<string>): void {
    for (const name of names) {
      if (this.#names.has(name)) continue;
      this.#names.add(name);
      if (name !== PROJECT_UNIT) this.#colors.colorOf(name);
      if (name.length > this.#width) {
        this.#width = name.length;
        this.#version++;
      }
    }
  }

  /** The name padded to the column, learning it first when it is new. */
  padded(name: string): string {
    if (!this.#names.has(name)) this.addNames([name]);
    return name.padEnd(this.#width);
  }

  /** The escape code that colours a name (bold for the project itself). */
  colorOf(name: string): string {
    return name === PROJECT_UNIT ? sgr.bold : this.#colors.colorOf(name);
  }
}
