// Spec <-> URL: the playground's spec travels in the hash as base64url of its JSON.
import type { SpecJson } from "../api/types";
import { asSpec } from "./spec";

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s: string): Uint8Array {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** A URL-safe token for a spec (UTF-8 JSON, base64url, no padding). */
export function encodeSpec(spec: SpecJson): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(spec)));
}

/** The spec in a token, or null when the token is damaged or is not a spec. */
export function decodeSpec(token: string): SpecJson | null {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(fromBase64Url(token));
    return asSpec(JSON.parse(text));
  } catch {
    return null;
  }
}
