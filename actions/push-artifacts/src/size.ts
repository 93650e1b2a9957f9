/** Byte sizes for inputs: `8MiB`, `16 MB`, `1GiB`, `10485760`. */
import { InputError } from '@deploy-kit/core';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

export function parseSize(name: string, raw: string, bounds: { min: number; max: number }): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  const expected = `a size such as \`8MiB\` or \`16MB\` from ${bounds.min / 1024 / 1024} MiB to ${bounds.max / 1024 / 1024} MiB`;
  if (!match || unit === undefined) throw new InputError(name, 'is not a size', expected, raw);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < bounds.min || bytes > bounds.max) throw new InputError(name, 'is out of range', expected, raw);
  return bytes;
}
