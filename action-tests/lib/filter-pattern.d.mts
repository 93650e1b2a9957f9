// Types of filter-pattern.mjs.
export interface FilterOptions {
  /** Match letters case-insensitively (GitHub's reference does not say which it does). */
  ignoreCase?: boolean;
}
export declare function filterPatternToRegExp(pattern: string, options?: FilterOptions): RegExp;
export declare function tagMatches(patterns: string[], name: string, options?: FilterOptions): boolean;
export declare function escapeFilterText(text: string): string;
export declare function channelsByEnvironment(rules: string): Map<string, string[]>;
export declare function tagFilters(options: { tagPrefix?: string; channels: string[] }): string[];
