import { writeFileSync } from "node:fs";
import { encode } from "fast-png";

export function writeRgbPng(path: string, rgb: Uint8Array, width: number, height: number): void {
  writeFileSync(path, encode({ width, height, data: rgb, channels: 3, depth: 8 }));
}
