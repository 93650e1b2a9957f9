/**
 * image-tags' templates (Handlebars) and dates (moment-timezone): what metadata-action's expressions
 * render to, and the template shapes deploy-kit refuses.
 */
import { describe, expect, test } from '@jest/globals';

import { formatDate, isValidTimeZone } from '../src/datefmt.js';
import { loadOptionalModules } from '../src/optional.js';
import { escapeExpression, isRawStatement, parseTemplate, renderTemplate, TemplateError } from '../src/template.js';

await loadOptionalModules(['handlebars']);

const AT = new Date('2020-01-10T00:30:00.000Z'); // a Friday

describe('formatDate (moment format tokens)', () => {
  test.each<[string | undefined, string, string, Date?]>([
    ['YYYYMMDD', 'UTC', '20200110'],
    ['YYYYMMDD-HHmmss', 'UTC', '20200110-003000'],
    ['YYYYMMDD-HHmmss', 'Asia/Tokyo', '20200110-093000'],
    ['YYYY-MM-DDTHH:mm:ss.SSS[Z]', 'UTC', '2020-01-10T00:30:00.000Z'],
    ['dddd, MMMM Do YYYY, h:mm:ss a', 'UTC', 'Friday, January 10th 2020, 12:30:00 am'],
    ['YY M MM MMM MMMM D DD', 'UTC', '20 1 01 Jan January 10 10'],
    ['Q Qo DDD DDDD DDDo', 'UTC', '1 1st 10 010 10th'],
    ['d do dd ddd E e', 'UTC', '5 5th Fr Fri 5 5'],
    ['w wo ww W Wo WW gggg GGGG gg GG', 'UTC', '2 2nd 02 2 2nd 02 2020 2020 20 20'],
    ['H HH h hh k kk A a', 'UTC', '0 00 12 12 24 24 AM am'],
    ['Hmm hmmss', 'UTC', '030 123000'],
    ['X x', 'UTC', '1578616200 1578616200000'],
    ['Z ZZ z', 'UTC', '+00:00 +0000 UTC'],
    ['Z ZZ', 'Asia/Tokyo', '+09:00 +0900'],
    ['YYYY-MM-DD HH:mm Z', 'America/New_York', '2020-01-09 19:30 -05:00'],
    ['HH:mm Z', 'Asia/Kolkata', '06:00 +05:30'],
    [
      'LT|LTS|L|LL|LLL|LLLL',
      'UTC',
      '12:30 AM|12:30:00 AM|01/10/2020|January 10, 2020|January 10, 2020 12:30 AM|Friday, January 10, 2020 12:30 AM',
    ],
    ['l|ll|lll|llll', 'UTC', '1/10/2020|Jan 10, 2020|Jan 10, 2020 12:30 AM|Fri, Jan 10, 2020 12:30 AM'],
    ['[today is] dddd \\Y', 'UTC', 'today is Friday Y'],
    ['S SS SSS SSSS', 'UTC', '1 12 123 1230', new Date('2020-01-10T00:30:00.123Z')],
    ['W GGGG w gggg', 'UTC', '53 2020 1 2021', new Date('2021-01-01T12:00:00Z')],
    ['HH:mm Z', 'Europe/Paris', '14:00 +02:00', new Date('2020-07-01T12:00:00Z')],
    [undefined, 'UTC', '2020-01-10T00:30:00Z'],
    [undefined, 'Asia/Tokyo', '2020-01-10T09:30:00+09:00'],
  ])('%p in %s', (format, zone, expected, date = AT) => {
    expect(formatDate(date, format, zone)).toBe(expected);
  });

  test("zone names are moment-timezone's (metadata-action's), not the runtime's ICU list", async () => {
    const { default: moment } = await import('moment-timezone');
    expect(moment.tz.names().filter((zone) => !isValidTimeZone(zone))).toEqual([]);
    // Names ICU accepts that moment-timezone does not know: metadata-action would fall back to local time.
    for (const zone of ['US/Pacific-New', 'SystemV/EST5', 'Canada/East-Saskatchewan'])
      expect([zone, isValidTimeZone(zone)]).toEqual([zone, false]);
    expect(isValidTimeZone('asia/tokyo')).toBe(true); // matched as moment-timezone matches them
  });

  test('time zones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(() => formatDate(AT, 'YYYY', 'Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('template (the Handlebars subset)', () => {
  const ctx = {
    branch: () => 'feature/x',
    amp: 'a&b<c>"d\'e`f=g',
    zero: 0,
    no: false,
    nothing: null,
    list: ['beta', 67],
    nested: { value: 'deep' },
    date: (...args: unknown[]) =>
      `date(${args.length > 1 ? String(args[0]) : 'default'}${JSON.stringify((args[args.length - 1] as { hash: object }).hash)})`,
  };
  test.each<[string, string]>([
    ['plain text', 'plain text'],
    ['{{branch}}', 'feature/x'],
    ['x-{{ branch }}-y', 'x-feature/x-y'],
    ['{{amp}}', 'a&amp;b&lt;c&gt;&quot;d&#x27;e&#x60;f&#x3D;g'],
    ['{{{amp}}}', 'a&b<c>"d\'e`f=g'],
    ['{{&amp}}', 'a&b<c>"d\'e`f=g'],
    ['{{zero}}|{{no}}|{{nothing}}|{{missing}}', '0|false||'],
    ['{{list}}', 'beta,67'],
    ['{{nested.value}}', 'deep'],
    ['{{this.branch}}', 'feature/x'],
    ["{{date 'YYYY'}}", 'date(YYYY{})'],
    ['{{date "YYYY" tz=\'Asia/Tokyo\'}}', 'date(YYYY{&quot;tz&quot;:&quot;Asia/Tokyo&quot;})'],
    ['{{date}}', 'date(default{})'],
    ['{{date YYYY-MM-DD}}', 'date(undefined{})'],
    ["{{{date 'it\\'s'}}}", "date(it's{})"],
    ["{{date 'it\\'s'}}", 'date(it&#x27;s{})'],
    ['\\{{branch}}', '{{branch}}'],
    ['a{{! comment }}b', 'ab'],
    ['a{{!-- has }} inside --}}b', 'ab'],
    ['a  {{~branch~}}  b', 'afeature/xb'],
  ])('%p', (source, expected) => {
    expect(renderTemplate(source, ctx)).toBe(expected);
  });

  test.each<[string, string]>([
    ['{{branch', 'unclosed "{{"'],
    ['{{#if branch}}x{{/if}}', 'block helpers and partials'],
    ['{{> partial}}', 'block helpers and partials'],
    ['{{else}}', '{{else}} is only valid inside a block helper'],
    ['{{date (branch)}}', 'sub-expressions are not supported'],
    ["{{date 'YYYY}}", 'unterminated string'],
    ['{{}}', 'empty expression'],
    ["{{date tz='UTC' 'YYYY'}}", 'positional parameter after key=value'],
  ])('rejects %p', (source, message) => {
    expect(() => parseTemplate(source)).toThrow(TemplateError);
    expect(() => parseTemplate(source)).toThrow(message);
  });

  test("the parsed template, from Handlebars' own AST, as expressions.ts checks it", () => {
    const [mustache] = parseTemplate("{{x 1 true null undefined 'a' y.z k=2}}").body;
    expect(mustache).toEqual({
      type: 'mustache',
      escaped: true,
      path: ['x'],
      original: 'x',
      params: [
        { kind: 'number', value: 1 },
        { kind: 'boolean', value: true },
        { kind: 'null' },
        { kind: 'undefined' },
        { kind: 'string', value: 'a' },
        { kind: 'path', parts: ['y', 'z'], original: 'y.z' },
      ],
      hash: { k: { kind: 'number', value: 2 } },
    });
    // data variables, parent scopes and `this` stay whole, so they are reported as unknown expressions
    expect(['{{@index}}', '{{../branch}}', '{{.}}', '{{this}}'].map((t) => (parseTemplate(t).body[0] as { path: string[] }).path)).toEqual([
      ['@index'],
      ['../branch'],
      ['.'],
      ['this'],
    ]);
    // a literal in the name's place is a name (Handlebars looks it up)
    expect((parseTemplate("{{'branch'}}").body[0] as { path: string[] }).path).toEqual(['branch']);
    expect(renderTemplate("{{'branch'}}|{{'text'}}", ctx)).toBe('feature/x|');
    expect(() => parseTemplate('{{(branch)}}')).toThrow('Handlebars cannot parse "{{(branch)}}" at "(branch)}}"');
    expect(parseTemplate('no expression').body).toEqual([{ type: 'text', value: 'no expression' }]);
  });

  test('an unknown helper with parameters is an error, as in Handlebars', () => {
    expect(() => renderTemplate("{{nope 'x'}}", ctx)).toThrow('Missing helper: "nope"');
  });

  test('isRawStatement edge cases', () => {
    expect(isRawStatement('{{{raw}}}')).toBe(true);
    expect(isRawStatement('v{{raw}}')).toBe(false);
    expect(isRawStatement('{{raw}}{{! c }}')).toBe(false);
  });

  test('escapeExpression', () => {
    expect(escapeExpression(undefined)).toBe('');
    expect(escapeExpression(12)).toBe('12');
    expect(escapeExpression('safe-1.2')).toBe('safe-1.2');
  });
});
