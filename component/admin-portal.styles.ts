import { css } from '@lit/reactive-element';

// System colours (Canvas, CanvasText) follow the host page's `color-scheme`, so light and dark both work without
// the element guessing. One rule per line: every byte here ships to each host page.
export const styles = css`
:host{--a:var(--scalekit-admin-portal-accent,#2557d6);display:block;position:relative;box-sizing:border-box;height:var(--scalekit-admin-portal-height,720px);border:var(--scalekit-admin-portal-border,1px solid color-mix(in srgb,CanvasText 18%,transparent));border-radius:var(--scalekit-admin-portal-radius,8px);overflow:hidden;color:CanvasText;background:Canvas}
:host([hidden]){display:none}
.base{display:flex;flex-direction:column;height:100%}
.stage{position:relative;flex:1;min-height:0}
iframe{display:block;width:100%;height:100%;border:0}
.cover{position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:1rem;padding:1.5rem;text-align:center;background:Canvas}
.skeleton{align-items:stretch;justify-content:start}
i{height:1rem;border-radius:4px;background:color-mix(in srgb,CanvasText 9%,Canvas);animation:pulse 1.4s infinite}
i:first-child{width:40%;height:1.5rem}
i:last-child{width:70%}
@keyframes pulse{50%{opacity:.45}}
@media (prefers-reduced-motion:reduce){i{animation:none}}
p{margin:0;max-width:36rem;line-height:1.5}
.banner{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.5rem .75rem;background:color-mix(in srgb,var(--a) 12%,Canvas)}
button{font:inherit;padding:.5rem 1rem;border:0;border-radius:6px;color:#fff;background:var(--a);cursor:pointer}
button:hover{background:color-mix(in srgb,var(--a) 85%,#000)}
button:focus-visible{outline:2px solid var(--a);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;
