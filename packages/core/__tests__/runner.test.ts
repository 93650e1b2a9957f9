import { describe, expect, test } from '@jest/globals';
import { neutraliseLog } from '../src/runner.js';

// The runner takes a line as a command when, after leading whitespace, it starts with `::`
// (TryParseV2), or when it holds `##[` anywhere (the v1 form); it ends lines at LF, CR or CRLF.
function runnerWouldParse(line: string): boolean {
  return /^\s*::/.test(line) || line.includes('##[');
}

describe('neutraliseLog', () => {
  test.each([
    ['::add-mask::hunter2'],
    ['  ::stop-commands::abc'],
    ['description\n::error title=x::fake annotation'],
    ['a\r::warning::after a lone CR'],
    ['a\r\n\t::notice::after CRLF'],
    ['a ##[add-mask]x in the middle'],
    ['##[error]v1 form'],
  ])('%j cannot start a workflow command', (text) => {
    const lines = neutraliseLog(text).split(/\r\n|\r|\n/);
    expect(lines.some(runnerWouldParse)).toBe(false);
    // The text itself is still there, readable.
    expect(lines.join('\n').replaceAll('\u200b', '')).toBe(text.split(/\r\n|\r|\n/).join('\n'));
  });

  test('ordinary text is left as it is', () => {
    expect(neutraliseLog('Pushed ms_core:v1.2.3 (sha256:abc) in 1.2s')).toBe('Pushed ms_core:v1.2.3 (sha256:abc) in 1.2s');
    expect(neutraliseLog('a :: b')).toBe('a :: b');
  });
});
