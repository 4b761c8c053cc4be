// The panel lives in a shadow root: GitHub's styles do not reach in, ours do not leak out.
export const panelCss = `
:host { all: initial; }
.panel { position: fixed; top: 112px; right: 16px; z-index: 2147483000; width: 440px; max-height: calc(100vh - 128px);
  overflow: auto; box-sizing: border-box; background: #fff; color: #1f2328; border: 1px solid #d0d7de; border-radius: 8px;
  box-shadow: 0 8px 24px rgba(140,149,159,.3); font: 13px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
header { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid #d0d7de; background: #f6f8fa;
  border-radius: 8px 8px 0 0; position: sticky; top: 0; }
header .title { font-weight: 600; flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
header .close { border: 0; background: transparent; font-size: 18px; cursor: pointer; color: #57606a; }
section { padding: 8px 12px; border-bottom: 1px solid #eaeef2; }
section:last-child { border-bottom: 0; }
h3 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
.muted { color: #57606a; }
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
button.btn { border: 1px solid rgba(31,35,40,.15); border-radius: 6px; padding: 4px 12px; font: inherit; font-weight: 500; cursor: pointer;
  background: #f6f8fa; color: #24292f; }
button.btn.go { background: #1f883d; color: #fff; }
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
a { color: #0969da; }
.tabs { display: flex; gap: 4px; flex-wrap: wrap; margin-bottom: 4px; }
.tabs button { border: 1px solid #d0d7de; background: #fff; border-radius: 6px; padding: 0 8px; font: inherit; font-size: 12px; cursor: pointer; }
.tabs button.on { background: #0969da; color: #fff; border-color: #0969da; }
pre.log { margin: 0; background: #0d1117; color: #e6edf3; border-radius: 6px; padding: 8px; max-height: 220px; overflow: auto;
  white-space: pre-wrap; word-break: break-all; }
pre.log .stderr { color: #ffa198; }
pre.log .event { color: #79c0ff; }
select { font: inherit; }
`;

// The floating button, used when GitHub's header has no place we recognise.
export const floatingCss = `
:host { all: initial; }
.float { position: fixed; right: 16px; bottom: 16px; z-index: 2147482000; display: flex; align-items: center; gap: 8px;
  background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 6px 8px; box-shadow: 0 4px 12px rgba(140,149,159,.3);
  font: 13px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; }
button { border: 1px solid rgba(31,35,40,.15); border-radius: 6px; padding: 4px 12px; font: inherit; font-weight: 600; cursor: pointer;
  background: #1f883d; color: #fff; }
.label { color: #57606a; font-size: 12px; }
`;
