/**
 * The console's one stylesheet, served from /console/assets/ (the CSP allows no inline style).
 * Readable from 390 px up: one column, two on wide screens; nothing wider than the viewport
 * (long ids wrap). Focus is always visible for keyboard use.
 */
export const CONSOLE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1f36;background:#f6f8fa;overflow-wrap:anywhere}
a{color:#3b54d9;text-decoration:none}
a:hover{text-decoration:underline}
:focus-visible{outline:3px solid #3b54d9;outline-offset:2px;border-radius:3px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem;top:.5rem}
header.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1.25rem;background:#1a1f36;color:#fff}
header.bar a,header.bar .brand{color:#fff}
.brand{font-weight:650;letter-spacing:.01em;margin-right:auto}
.brand small{font-weight:400;opacity:.75;margin-left:.35rem}
.mode{display:inline-block;padding:.1rem .55rem;border-radius:999px;font-size:.78rem;font-weight:650;text-transform:uppercase;letter-spacing:.04em}
.mode-test{background:#ffd79d;color:#5c3b00}
.mode-live{background:#a8f0c6;color:#0b4d2a}
.who{font-size:.85rem;opacity:.9}
.bar form{margin:0}
.bar button{background:transparent;color:#fff;border:1px solid #6b7394;padding:.25rem .7rem;font-size:.85rem}
.bar button:hover{background:#2c3357}
main{max-width:72rem;margin:0 auto;padding:1.25rem}
h1{font-size:1.45rem;line-height:1.25;margin:.25rem 0 .25rem}
h2{font-size:1.02rem;margin:0 0 .6rem}
.sub{color:#5a6072;margin:0 0 1rem;font-size:.9rem}
.card{background:#fff;border:1px solid #e0e4ea;border-radius:8px;padding:1rem 1.1rem;margin:0 0 1rem;min-width:0}
.grid{display:grid;grid-template-columns:minmax(0,1fr);gap:0 1rem}
@media (min-width:900px){.grid{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}.wide{grid-column:1/-1}}
dl.fields{display:grid;grid-template-columns:minmax(7rem,max-content) minmax(0,1fr);gap:.3rem 1rem;margin:0}
dl.fields dt{color:#5a6072}
dl.fields dd{margin:0}
.empty{color:#6b7185;font-style:italic;margin:0}
.nowrap{white-space:nowrap}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
table{width:100%;border-collapse:collapse;font-size:.92rem}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid #edf0f4;vertical-align:top}
th{font-weight:600;color:#5a6072;font-size:.8rem;text-transform:uppercase;letter-spacing:.03em}
tr:last-child td{border-bottom:0}
.badge{display:inline-block;padding:0 .45rem;border-radius:4px;font-size:.78rem;font-weight:600;background:#eef1f6;color:#3c4257}
.badge-ok{background:#d7f7e3;color:#0b5a2e}
.badge-warn{background:#fff0cc;color:#6b4500}
.badge-bad{background:#fde2e1;color:#8a1c17}
label{display:block;font-weight:600;margin:.6rem 0 .25rem}
.hint{display:block;font-weight:400;color:#5a6072;font-size:.85rem}
input[type=text],input[type=search],input[type=password],input[type=email],textarea{width:100%;max-width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #b9c0cc;border-radius:6px;background:#fff;color:inherit}
textarea{min-height:7rem;resize:vertical}
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:#c0362c}
.error{color:#a3261e;font-size:.88rem;margin:.25rem 0 0}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.45rem .95rem;border-radius:6px;border:1px solid #3b54d9;background:#3b54d9;color:#fff;cursor:pointer}
button:hover{background:#2f45b8}
button.secondary,.button.secondary{background:#fff;color:#3b54d9}
a.button:hover{text-decoration:none}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-top:.75rem}
.search{display:flex;gap:.5rem;flex-wrap:wrap}
.search input{flex:1 1 16rem}
.notice{border-left:4px solid #e5a000;background:#fff8e6;padding:.6rem .8rem;border-radius:4px;margin:0 0 1rem}
.notice-ok{border-color:#1f9d55;background:#ecfbf2}
.notice-bad{border-color:#c0362c;background:#fdeeed}
.meta-row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.6fr) auto;gap:.5rem;align-items:center;margin:.35rem 0}
.meta-row label{margin:0}
.check{display:flex;gap:.3rem;align-items:center;font-weight:400;white-space:nowrap}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}
ol.timeline{list-style:none;margin:0;padding:0}
ol.timeline>li{border-left:3px solid #dfe3ec;padding:.1rem 0 .8rem .8rem;margin-left:.2rem}
.when{color:#5a6072;font-size:.85rem}
ul.changes{margin:.3rem 0 0;padding-left:1.1rem}
del{color:#8a1c17;background:#fdeeed;text-decoration:line-through}
ins{color:#0b5a2e;background:#e4f8ec;text-decoration:none}
del .empty,ins .empty{color:inherit}
.pager{display:flex;gap:1rem;margin-top:.6rem}
.results td:first-child{width:40%}
fieldset{border:0;padding:0;margin:.5rem 0 0;min-width:0}
th{overflow-wrap:normal}
.signin{max-width:28rem;margin:3rem auto}
table.rows td{overflow-wrap:break-word}
ul.entries{list-style:none;margin:0 0 .75rem;padding:0}
ul.entries>li{border-bottom:1px solid #edf0f4;padding:.5rem 0}
ul.entries>li:last-child{border-bottom:0}
details{margin-top:.35rem}
summary{cursor:pointer;color:#3b54d9;font-weight:600}
.book-fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:0 1rem}
.book-wide{grid-column:1/-1}
.book-field label{margin:.5rem 0 .2rem}
.checks{display:flex;flex-wrap:wrap;gap:.25rem 1rem}
legend{font-weight:600;margin:.5rem 0 .2rem;padding:0}
.check-row{display:flex;gap:.5rem;align-items:flex-start;margin:.4rem 0}
.check-row input{margin-top:.3rem}
.check-row label{margin:0}
tbody th{text-transform:none;letter-spacing:0;font-size:.92rem}
tbody tr:last-child th{border-bottom:0}
@media (max-width:600px){main{padding:.75rem}thead{display:none}tbody tr{display:block;border-bottom:1px solid #edf0f4;padding:.4rem 0}tbody tr:last-child{border-bottom:0}td{display:block;border:0;padding:.1rem .25rem;width:auto!important}td[data-label]::before{content:attr(data-label) ": ";color:#5a6072;font-size:.85rem}.results td[data-label=Customer]::before{content:none}.meta-row{grid-template-columns:minmax(0,1fr)}}
`;
