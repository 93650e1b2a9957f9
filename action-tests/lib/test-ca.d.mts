// Types of test-ca.mjs.
export declare function makeTestCa(names: string[], dir?: string): { dir: string; ca: string; cert: string; key: string };
