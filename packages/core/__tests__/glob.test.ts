// The one glob matcher: every rule the three former copies had (push-artifacts' S3 rules with
// braces and an optional `**`+`/` directory, image-tags' per-segment discovery without braces, the
// branch rules with `*` and `**` only), in one table.
import { describe, expect, test } from '@jest/globals';
import { globToRegExp, type GlobSyntax } from '@deploy-kit/core';

const S3: GlobSyntax = {};
const SEGMENT: GlobSyntax = { braces: false };
const BRANCH: GlobSyntax = { braces: false, optionalGlobstarDirectory: false };

describe('globToRegExp', () => {
  test.each<[string, GlobSyntax, string, boolean]>([
    ['*.json', S3, 'c.json', true],
    ['*.json', S3, 'a/c.json', false],
    ['*.json', S3, '.hidden.json', true],
    ['*.json', S3, 'c.jsonx', false],
    ['**/*.json', S3, 'x/tools/m.json', true],
    ['**/*.json', S3, 'm.json', true],
    ['**/*.json', BRANCH, 'm.json', false],
    ['**/*.json', BRANCH, 'x/m.json', true],
    ['a/**', S3, 'a/b/c', true],
    ['**', S3, 'any/thing', true],
    ['file?.bin', S3, 'file1.bin', true],
    ['file?.bin', S3, 'file/.bin', false],
    ['[ab].txt', S3, 'a.txt', true],
    ['[ab].txt', S3, 'c.txt', false],
    ['[!ab].txt', S3, 'c.txt', true],
    ['[!ab].txt', S3, 'a.txt', false],
    ['[a-c]x', SEGMENT, 'bx', true],
    ['[\\]x', SEGMENT, '\\x', true],
    ['[ab', SEGMENT, '[ab', true],
    ['*.{zip,gz}', S3, 'a.gz', true],
    ['*.{zip,gz}', S3, 'a.tar', false],
    ['*.{zip,gz', S3, 'a.gz', true],
    ['a,b}', S3, 'a,b}', true],
    ['*.{zip,gz}', SEGMENT, 'a.{zip,gz}', true],
    ['*.{zip,gz}', SEGMENT, 'a.zip', false],
    ['ms_*', SEGMENT, 'ms_core', true],
    ['a.b', SEGMENT, 'axb', false],
    ['(x)+$^|', SEGMENT, '(x)+$^|', true],
    ['feature/*', BRANCH, 'feature/x', true],
    ['feature/*', BRANCH, 'feature/x/y', false],
    ['feature/**', BRANCH, 'feature/x/y', true],
    ['release/{a}', BRANCH, 'release/{a}', true],
    ['main', BRANCH, 'main2', false],
  ])('%s (%j) ~ %s = %s', (pattern, syntax, text, expected) => {
    expect(globToRegExp(pattern, syntax).test(text)).toBe(expected);
  });
});
