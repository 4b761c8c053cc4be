// GitHub's own Primer variables reach into the shadow root (custom properties inherit), so the
// panel and the floating button follow GitHub's light or dark theme; the fallbacks follow the
// system's when a page has none.
const themeCss = `
:host { --rr-bg: var(--bgColor-default, #ffffff); --rr-fg: var(--fgColor-default, #1f2328); --rr-muted: var(--fgColor-muted, #59636e);
  --rr-border: var(--borderColor-default, #d1d9e0); --rr-subtle: var(--bgColor-muted, #f6f8fa);
  --rr-btn-bg: var(--button-default-bgColor-rest, #f6f8fa); --rr-btn-fg: var(--button-default-fgColor-rest, #25292e);
  --rr-btn-border: var(--button-default-borderColor-rest, #d1d9e0); --rr-btn-hover: var(--button-default-bgColor-hover, #eff2f5);
  --rr-primary-bg: var(--button-primary-bgColor-rest, #1f883d); --rr-primary-fg: var(--button-primary-fgColor-rest, #ffffff);
  --rr-accent: var(--fgColor-accent, #0969da); }
@media (prefers-color-scheme: dark) {
  :host { --rr-bg: var(--bgColor-default, #0d1117); --rr-fg: var(--fgColor-default, #f0f6fc); --rr-muted: var(--fgColor-muted, #9198a1);
    --rr-border: var(--borderColor-default, #3d444d); --rr-subtle: var(--bgColor-muted, #151b23);
    --rr-btn-bg: var(--button-default-bgColor-rest, #212830); --rr-btn-fg: var(--button-default-fgColor-rest, #f0f6fc);
    --rr-btn-border: var(--button-default-borderColor-rest, #3d444d); --rr-btn-hover: var(--button-default-bgColor-hover, #262c36);
    --rr-primary-bg: var(--button-primary-bgColor-rest, #238636); --rr-accent: var(--fgColor-accent, #4493f8); }
}
`;

// The panel lives in a shadow root: GitHub's styles do not reach in, ours do not leak out.
export const panelCss = `${themeCss}
:host { all: initial; }
.panel { position: fixed; top: 112px; right: 16px; z-index: 2147483000; width: 440px; max-height: calc(100vh - 128px);
  overflow: auto; box-sizing: border-box; background: var(--rr-bg); color: var(--rr-fg); border: 1px solid var(--rr-border); border-radius: 8px;
  box-shadow: 0 8px 24px rgba(140,149,159,.3); font: 13px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
.panel.embedded { position: static; width: auto; max-height: none; overflow: visible; box-shadow: none; }
header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid var(--rr-border); background: var(--rr-subtle);
  border-radius: 8px 8px 0 0; position: sticky; top: 0; }
header .title { font-weight: 600; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
header .close { border: 0; background: transparent; font-size: 18px; cursor: pointer; color: var(--rr-muted); }
section { padding: 8px 12px; border-bottom: 1px solid var(--rr-border); }
section:last-child { border-bottom: 0; }
h3 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--rr-muted); }
.muted { color: var(--rr-muted); }
li.idle { opacity: .6; }
details summary { cursor: pointer; color: var(--rr-muted); }
.mono, pre, code { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; font-size: 12px; }
.error { background: #fff1f0; border: 1px solid #ffcecb; border-radius: 6px; padding: 8px; margin: 8px 12px; }
.error .what { font-weight: 600; color: #cf222e; }
.error .todo { margin-top: 4px; }
.error .detail { margin-top: 4px; color: #57606a; font-size: 12px; }
.row { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
label.choice { display: flex; align-items: center; gap: 6px; padding: 2px 0; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; border: 1px solid transparent; }
.badge.primary { background: #ddf4ff; color: #0969da; }
.state { background: #eaeef2; color: #1f2328; }
.state.READY { background: #dafbe1; color: #1a7f37; }
.state.FAILED { background: #ffebe9; color: #cf222e; }
.state.STOPPED, .state.STOPPING { background: #fff8c5; color: #9a6700; }
button.btn { border: 1px solid var(--rr-btn-border); border-radius: 6px; padding: 4px 12px; font: inherit; font-weight: 500; cursor: pointer;
  background: var(--rr-btn-bg); color: var(--rr-btn-fg); }
button.btn:hover:not(:disabled) { background: var(--rr-btn-hover); }
button.btn.go { background: var(--rr-primary-bg); color: var(--rr-primary-fg); }
button.btn.danger { background: #cf222e; color: #fff; }
button.btn:disabled { opacity: .6; cursor: default; }
ol.phases { list-style: none; margin: 0; padding: 0; }
ol.phases li { display: flex; justify-content: space-between; padding: 2px 0; }
ol.phases li .mark { width: 1.5em; display: inline-block; }
ol.phases li.done .mark::before { content: "✓"; color: #1a7f37; }
ol.phases li.active .mark::before { content: "●"; color: #0969da; }
ol.phases li.failed .mark::before { content: "✕"; color: #cf222e; }
ol.phases li.pending, ol.phases li.skipped { color: #8c959f; }
ol.phases li.pending .mark::before { content: "○"; }
ol.phases li.skipped .mark::before { content: "–"; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li { padding: 2px 0; }
a { color: var(--rr-accent); }
.tabs { display: flex; gap: 4px; flex-wrap: wrap; margin-bottom: 4px; }
.tabs button { border: 1px solid var(--rr-border); background: var(--rr-bg); color: var(--rr-fg); border-radius: 6px; padding: 0 8px; font: inherit; font-size: 12px; cursor: pointer; }
.tabs button.on { background: #0969da; color: #fff; border-color: #0969da; }
pre.log { margin: 0; background: #0d1117; color: #e6edf3; border-radius: 6px; padding: 8px; max-height: 220px; overflow: auto;
  white-space: pre-wrap; word-break: break-all; }
pre.log .stderr { color: #ffa198; }
pre.log .event { color: #79c0ff; }
select { font: inherit; }
`;

// The floating button, used when GitHub's header has no place we recognise.
// Styled like GitHub's default button (.btn-sm), in either theme.
export const floatingCss = `${themeCss}
:host { all: initial; }
.float { position: fixed; right: 16px; bottom: 16px; z-index: 2147482000; display: flex; align-items: center; gap: 8px;
  background: var(--rr-bg); border: 1px solid var(--rr-border); border-radius: 8px; padding: 6px 8px; box-shadow: 0 4px 12px rgba(1,4,9,.2);
  font: 12px/20px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--rr-fg); }
button { border: 1px solid var(--rr-btn-border); border-radius: 6px; padding: 3px 12px; font: inherit; font-weight: 500; cursor: pointer;
  background: var(--rr-btn-bg); color: var(--rr-btn-fg); }
button:hover { background: var(--rr-btn-hover); }
.label { color: var(--rr-muted); font-size: 12px; }
`;
