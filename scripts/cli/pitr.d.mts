export declare function restoreTarget(target: string): string;
export declare function isPitrRestore(args: string[]): boolean;
