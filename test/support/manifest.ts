// A split export's manifest as the tests read it, and the checksum it gives each file.
import { createHash } from "node:crypto";

export interface Manifest {
  version: string;
  query: string;
  rows: number;
  columns: { name: string; type: string }[];
  files: { name: string; rows: number; bytes: number; sha256: string }[];
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
