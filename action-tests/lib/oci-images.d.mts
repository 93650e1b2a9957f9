export interface TarEntryInput {
  name: string;
  file?: string;
  data?: Buffer;
}
export function writeTar(out: string, entries: TarEntryInput[]): Promise<void>;
export interface Layer {
  file: string;
  tar: string;
  digest: string;
  diffId: string;
  size: number;
  mediaType: string;
}
export function makeLayer(work: string, size: number, options?: { gzip?: boolean; name?: string }): Promise<Layer>;
export interface LayoutOptions {
  layers?: number[];
  platforms?: string[];
  gzip?: boolean;
  refName?: string;
  work?: string;
}
export interface MadeLayout {
  layout: string;
  digest: string;
  mediaType: string;
  manifests: Array<{ digest: string; size: number; mediaType: string; platform?: string; layers: string[]; config: string }>;
  blobs: string[];
}
export function makeOciLayout(layout: string, options?: LayoutOptions): Promise<MadeLayout>;
export function makeOciArchive(file: string, options?: LayoutOptions): Promise<MadeLayout & { archive: string }>;
export function makeDockerOciArchive(
  file: string,
  options?: { layers?: number[]; platforms?: string[]; repoTag?: string; work?: string },
): Promise<MadeLayout & { archive: string; repoTag: string }>;
export function makeDockerArchive(
  file: string,
  options?: { layers?: number[]; repoTag?: string; work?: string },
): Promise<{ archive: string; config: string; layers: Array<{ digest: string; size: number }>; repoTag: string }>;
export function readLayoutBlob(layout: string, digest: string): Buffer;
