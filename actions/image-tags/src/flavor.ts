/**
 * The `flavor` input (docker/metadata-action's flavor.ts): `latest=auto|true|false`,
 * `prefix=<s>[,onlatest=true|false]`, `suffix=<s>[,onlatest=true|false]`.
 */
import { inputError } from './errors.js';
import { normalizeList, parseFields, type ListInput } from './list.js';

export type LatestMode = 'auto' | 'true' | 'false';

export interface Flavor {
  latest: LatestMode;
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

const EXPECTED = 'latest=auto|true|false, prefix=<text>[,onlatest=true|false] or suffix=<text>[,onlatest=true|false]';

export function parseFlavor(list: ListInput | undefined, inputName = 'flavor'): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  for (const entry of normalizeList(list)) {
    const origin = { input: inputName, line: entry.line, text: entry.value };
    const fields = parseFields(entry, inputName, EXPECTED);
    let onlatestfor = '';
    for (const field of fields) {
      // metadata-action splits on every '=' and keeps the second part
      const parts = field
        .toString()
        .split('=')
        .map((item) => item.trim());
      if (parts.length === 1) {
        throw inputError(origin, `"${parts[0]}" is not a key=value entry`, EXPECTED);
      }
      const key = parts[0]!.toLowerCase();
      const value = parts[1]!;
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw inputError(origin, `latest=${value} is not a valid latest mode`, 'latest=auto, latest=true or latest=false');
          }
          flavor.latest = value;
          break;
        case 'prefix':
          flavor.prefix = value;
          onlatestfor = 'prefix';
          break;
        case 'suffix':
          flavor.suffix = value;
          onlatestfor = 'suffix';
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw inputError(origin, `onlatest=${value} is not a boolean`, 'onlatest=true or onlatest=false after prefix= or suffix=');
          }
          if (onlatestfor === 'prefix') flavor.prefixLatest = value === 'true';
          else if (onlatestfor === 'suffix') flavor.suffixLatest = value === 'true';
          break;
        default:
          throw inputError(origin, `unknown flavor key "${parts[0]}"`, EXPECTED);
      }
    }
  }
  return flavor;
}
