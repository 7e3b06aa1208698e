export declare function quote(b: Uint8Array): string;
