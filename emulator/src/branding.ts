// Environment-wide branding, like Scalekit's Dashboard › Settings › Branding: a logo in the portal's header, an
// accent colour on its controls, a favicon. The values end up in HTML attributes, a <style> block and the
// page's CSP, so only a narrow grammar is accepted and everything else is refused before it is stored.
import type { EmulatorBranding } from './types.js';

export const MAX_BRANDING_URL = 2048;
/** A data: image inline in every page; large enough for an SVG or a small PNG, small enough for a control body. */
export const MAX_BRANDING_DATA_URL = 12 * 1024;

const DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|svg\+xml|x-icon|vnd\.microsoft\.icon);base64,[A-Za-z0-9+/]+={0,2}$/;
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
// CSP host-source grammar: a serialized origin outside it (an IPv6 literal) cannot be named in img-src.
const CSP_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;
const FIELDS = new Set(['logoUrl', 'accentColor', 'faviconUrl']);

export const NO_BRANDING: Readonly<EmulatorBranding> = Object.freeze({ logoUrl: null, accentColor: null, faviconUrl: null });

function imageUrl(name: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (value.startsWith('data:')) {
    if (value.length > MAX_BRANDING_DATA_URL) throw new RangeError(`${name} is over ${MAX_BRANDING_DATA_URL} characters`);
    if (!DATA_IMAGE.test(value)) throw new TypeError(`${name} must be a base64 data:image/(png|gif|jpeg|webp|svg+xml|x-icon) URL`);
    return value;
  }
  if (value.length > MAX_BRANDING_URL) throw new RangeError(`${name} is over ${MAX_BRANDING_URL} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an http(s) or data:image URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`${name} must be an http(s) or data:image URL`);
  if (url.username || url.password) throw new TypeError(`${name} must not carry credentials`);
  if (!CSP_HOST.test(url.hostname)) throw new TypeError(`${name} must name a host (not an IPv6 literal)`);
  if (url.href.length > MAX_BRANDING_URL) throw new RangeError(`${name} is over ${MAX_BRANDING_URL} characters`);
  return url.href;
}

function colour(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !HEX_COLOUR.test(value)) throw new TypeError('accentColor must be a colour "#rrggbb"');
  return value.toLowerCase();
}

/**
 * Checks a whole branding (every field optional; absent, null or "" means the emulator's default).
 * Throws a TypeError or RangeError naming the first bad field; returns the normalised value.
 */
export function validateBranding(input: unknown): EmulatorBranding {
  if (input === undefined || input === null) return { ...NO_BRANDING };
  if (typeof input !== 'object' || Array.isArray(input)) throw new TypeError('branding must be { logoUrl?, accentColor?, faviconUrl? }');
  const unknown = Object.keys(input).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) throw new TypeError(`unknown branding field: ${unknown.slice(0, 40)}`);
  const { logoUrl, accentColor, faviconUrl } = input as Record<string, unknown>;
  return { logoUrl: imageUrl('logoUrl', logoUrl), accentColor: colour(accentColor), faviconUrl: imageUrl('faviconUrl', faviconUrl) };
}

/** Origins the page must allow in CSP img-src for this branding (data: is always allowed). */
export function brandingImageOrigins(branding: EmulatorBranding): string[] {
  const origins = new Set<string>();
  for (const value of [branding.logoUrl, branding.faviconUrl]) {
    if (value && !value.startsWith('data:')) origins.add(new URL(value).origin);
  }
  return [...origins];
}

/** Black or white text, whichever reads better on the accent (WCAG relative luminance). */
export function accentTextColour(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

/** Mutable holder shared by the page renderer, the control route and the returned object. */
export class BrandingStore {
  private current: EmulatorBranding;
  constructor(private readonly initial: EmulatorBranding) {
    this.current = { ...initial };
  }
  get(): EmulatorBranding {
    return { ...this.current };
  }
  /** Replaces the whole branding; throws (changing nothing) on bad input. */
  set(input: unknown): EmulatorBranding {
    this.current = validateBranding(input);
    return this.get();
  }
  reset(): void {
    this.current = { ...this.initial };
  }
}
