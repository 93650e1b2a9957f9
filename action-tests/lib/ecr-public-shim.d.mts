export interface EcrPublicShim {
  url: string;
  requests: Array<{ operation: string; scope: string; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}
export function startEcrPublicShim(motoUrl: string): Promise<EcrPublicShim>;
