// LogSink: the migration's output in batches of whole lines (one foreignLines write each), the file and
// the summary tail; and what those batches look like to the runner.
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runner } from '@deploy-kit/core';
import { LogSink } from '../src/logsink.js';
import { processCommands } from '../../../action-tests/lib/runner.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mj-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LogSink', () => {
  test('complete lines are printed per chunk, in one batch; a partial line waits; a UTF-8 character split across chunks survives', () => {
    const batches: string[][] = [];
    const sink = new LogSink(join(dir, 'a.log'), (lines) => batches.push([...lines]), 3);
    const euro = Buffer.from('€');
    sink.write(Buffer.concat([Buffer.from('one\ntwo\nthr'), euro.subarray(0, 1)]));
    sink.write(Buffer.concat([euro.subarray(1), Buffer.from('ee\r\nfour')]));
    sink.end();
    sink.writeLines(['five', 'six']);
    expect(batches).toEqual([['one', 'two'], ['thr€ee'], ['four'], ['five', 'six']]);
    expect(readFileSync(join(dir, 'a.log'), 'utf8')).toBe('one\ntwo\nthr€ee\nfour\nfive\nsix\n');
    expect(sink.lastLines()).toEqual(['four', 'five', 'six']);
    expect(sink.lines).toBe(6);
  });

  test('what the default printer (core foreignLines) writes cannot act as a workflow command', () => {
    // The same text foreignLines writes, parsed as the runner parses it.
    const hostile = [
      '::add-mask::x',
      '::error::fake',
      '::stop-commands::t',
      'progress\r::warning::w',
      '##[error]v1',
      '  ::notice::indented',
    ];
    const token = 'f'.repeat(32);
    const text = `::stop-commands::${token}\n${hostile.map(runner.neutraliseLog).join('\n')}\n::${token}::\n::error::ours\n`;
    const parsed = processCommands(text);
    expect(parsed.masked).toEqual([]);
    expect(parsed.errors).toEqual(['ours']);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.notices).toEqual([]);
    expect(parsed.problems).toEqual([]);
  });
});
