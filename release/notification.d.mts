// Types of release/notification.mjs (plain ESM run by node in the release job) for the tests that import it.
export interface NotificationFields {
  result?: string;
  name?: string;
  environment?: string;
  repository?: string;
  serverUrl?: string;
  runId?: string;
  workflow?: string;
  promotedFrom?: string;
  migration?: string;
  gitopsRunUrl?: string;
  gitopsConclusion?: string;
  verification?: string;
  rollback?: string;
  /** The ECS deploy (`delivery: ecs`), from ecsText. */
  ecs?: string;
  digests?: Record<string, string>;
}
export declare function escapeSlack(text: unknown): string;
export declare function parseDigests(name: string, raw: string | undefined): Record<string, string>;
export declare function verificationText(record: unknown): string;
export declare function rollbackText(record: unknown): string;
export declare function ecsText(record: unknown): string;
export declare function parseRecord(raw: string | undefined): Record<string, any> | undefined;
export declare function mergeOutputs(outputs: { images?: string; digests?: string; cliImages?: string; cliDigests?: string }): {
  images: string;
  digests: string;
};
export declare function digestLines(digests: Record<string, string>): string[];
export declare function buildNotification(fields: NotificationFields): { text?: string; blocks: any[] };
