// Types of postgres.mjs.
export interface Postgres {
  url: string;
  port: number;
  psql(sql: string): string;
  stop(): Promise<void>;
}
export declare function startPostgres(): Promise<Postgres>;
