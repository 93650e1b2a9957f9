/**
 * Dependencies only some runs need, loaded on demand so the typical run's cold start does not pay
 * for them:
 * - csv-parse: only list inputs with quotes or carriage returns (list.ts reads the rest itself,
 *   with the same result);
 * - @renovatebot/pep440: `type=pep440`, and versions that are not SemVer;
 * - semver: `type=semver`, release tags, `known-versions` (a prerelease tag that the release rules
 *   already call a prerelease never needs it);
 * - handlebars: any input holding a template (`{{`); plain values never need it;
 * - datefmt.ts (moment-timezone): `{{date}}`, `{{commit_date}}` and `tz=`.
 * The engine is synchronous: it asks for a module with `csvParse()`, `pep440()`, `semver()`,
 * `handlebars()` or `datefmt()`, which throw `OptionalModuleMissing` when the module is not loaded yet;
 * `withOptionalModules` loads it and runs the (pure) computation again, so the result is the same
 * as with static imports. main.ts preloads what a run will most likely need (wiring.ts).
 */
import type { parse as CsvParse } from 'csv-parse/sync';
import type * as Pep440 from '@renovatebot/pep440';
import type HandlebarsModule from 'handlebars';

import type * as DateFmt from './datefmt.js';
import type * as SemverFns from './semverfns.js';

export type OptionalModule = 'csv-parse' | 'pep440' | 'semver' | 'handlebars' | 'datefmt';
export const OPTIONAL_MODULES: readonly OptionalModule[] = ['csv-parse', 'pep440', 'semver', 'handlebars', 'datefmt'];

export class OptionalModuleMissing extends Error {
  constructor(readonly module: OptionalModule) {
    super(`${module} is not loaded (call loadOptionalModules first)`);
    this.name = 'OptionalModuleMissing';
  }
}

let csv: typeof CsvParse | undefined;
let pep: typeof Pep440 | undefined;
let sem: typeof SemverFns | undefined;
let hbs: typeof HandlebarsModule | undefined;
let dates: typeof DateFmt | undefined;

export async function loadOptionalModules(modules: Iterable<OptionalModule> = OPTIONAL_MODULES): Promise<void> {
  for (const module of modules) {
    if (module === 'csv-parse') csv ??= (await import('csv-parse/sync')).parse;
    else if (module === 'pep440') pep ??= await import('@renovatebot/pep440');
    else if (module === 'semver') sem ??= await import('./semverfns.js');
    // Handlebars' own minified build of the same version: the package's main (lib/) pulls in
    // source-map for its code generator, and ncc does not minify lazy chunks, so that chunk was
    // 729 KB and cost 47 ms of CPU on a run with templates against 28 ms for this one (89 KB),
    // measured side by side in one session.
    else if (module === 'handlebars') hbs ??= (await import('handlebars/dist/handlebars.min.js')).default;
    else dates ??= await import('./datefmt.js');
  }
}

export function csvParse(): typeof CsvParse {
  if (!csv) throw new OptionalModuleMissing('csv-parse');
  return csv;
}

export function pep440(): typeof Pep440 {
  if (!pep) throw new OptionalModuleMissing('pep440');
  return pep;
}

export function semver(): typeof SemverFns {
  if (!sem) throw new OptionalModuleMissing('semver');
  return sem;
}

/** Handlebars (templates: parse, compile, escape). */
export function handlebars(): typeof HandlebarsModule {
  if (!hbs) throw new OptionalModuleMissing('handlebars');
  return hbs;
}

/** Date formatting and time zones (`{{date}}`, `{{commit_date}}`, `tz=`). */
export function datefmt(): typeof DateFmt {
  if (!dates) throw new OptionalModuleMissing('datefmt');
  return dates;
}

/** A DateFormatError, recognised without loading datefmt.ts (it can only come from there). */
export function isDateFormatError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'DateFormatError';
}

/** Runs `compute`, loading any optional module it asks for and running it again. */
export async function withOptionalModules<T>(compute: () => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return compute();
    } catch (error) {
      if (!(error instanceof OptionalModuleMissing) || attempt >= OPTIONAL_MODULES.length) throw error;
      await loadOptionalModules([error.module]);
    }
  }
}
