export declare function splitArgs(line: string): Buffer[] | null;
