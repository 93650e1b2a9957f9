/**
 * The semver functions the engine uses, one by one rather than the package index (which also
 * builds the ranges and comparators the engine never uses). Loaded on demand through optional.ts.
 */
export { default as gt } from 'semver/functions/gt.js';
export { default as parse } from 'semver/functions/parse.js';
export { default as prerelease } from 'semver/functions/prerelease.js';
export { default as rcompare } from 'semver/functions/rcompare.js';
export { default as valid } from 'semver/functions/valid.js';
