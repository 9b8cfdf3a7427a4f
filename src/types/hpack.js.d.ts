// The part of hpack.js (no bundled types) that husk uses.
declare module 'hpack.js' {
  interface Header {
    name: string;
    value: string;
  }
  interface Decompressor {
    write(data: Buffer): boolean;
    execute(): void;
    read(): Header | null;
    on(event: 'error', listener: (err: Error) => void): this;
  }
  interface Compressor {
    write(headers: (Header & { huffman?: boolean; neverIndex?: boolean })[]): boolean;
    read(): Buffer | null;
  }
  const hpack: {
    decompressor: { create(options: { table: { size: number } }): Decompressor };
    compressor: { create(options: { table: { size: number } }): Compressor };
  };
  export default hpack;
}
